package dev.relaysim.relay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.config.EventSettings;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.events.EventFileWriter;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.RelayEvent;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The event journal of a running gateway: what a listener, a relayed connection, a refusal and a management change
 * record, read through {@code GET /relaysim/events} with filters and through the Server-Sent Events stream (live and
 * resumed with {@code Last-Event-ID}), appended to the data directory's file; the refusals of HTTP-mode requests,
 * oversized heads and handshake timeouts; and a stream reader that never reads neither holds up recording nor
 * relaying, nor makes the gateway keep more than the ring.
 */
@Timeout(90)
class EventJournalIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY;

    @TempDir
    Path dataDirectory;

    @Test
    void listenersRelayedConnectionsRefusalsAndChangesBecomeEvents() throws Exception {
        try (TestGateway gateway = TestGateway.builder().dataDirectory(dataDirectory).persistent(true)
                .events(new EventSettings(1000, true)).start()) {
            TestListener listener = TestListener.connect(gateway.httpClient(),
                    gateway.uri(true, TestGateway.ENTITY, "sb-hc-action=listen&sb-hc-id=listener-7"),
                    TestGateway.token(TestGateway.ENTITY), new TestListener.Mode.Echo());
            WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(true, TestGateway.ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(TestGateway.ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("hello").join();
            assertThat(sender.next().asText()).isEqualTo("hello");
            sender.sendClose(1000, "done").join();
            sender.closed().get(10, TimeUnit.SECONDS);
            Throwable refused = catchThrowable(() -> WsPeer.connect(
                    gateway.httpClient(), gateway.connectUri(true, TestGateway.ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(TestGateway.ENTITY, TestGateway.KEY_NAME,
                            "wrong-key", Instant.now().plusSeconds(600)))).get(10, TimeUnit.SECONDS));
            assertThat(refused).isNotNull();
            ManagementApi.json(ManagementApi.send(gateway.httpClient(), gateway, "PUT",
                    ManagementApi.RELAY_NAMESPACES + "sandbox/hybridConnections/journaled", "{\"properties\": {}}"),
                    200);

            await().atMost(Duration.ofSeconds(10)).until(() -> operations(events(gateway, ""))
                    .contains("SenderConnectionClosed"));
            JsonNode all = events(gateway, "");
            assertThat(operations(all)).containsSubsequence("NewListenerRegistered", "ListenerAcceptingConnection",
                    "SenderListenerConnectionEstablished", "SenderConnectionClosed", "AuthorizationFailed",
                    "ManagementChange");
            JsonNode registered = first(all, "NewListenerRegistered");
            assertThat(registered.path("namespace").asText()).isEqualTo("sandbox");
            assertThat(registered.path("entity").asText()).isEqualTo("echo");
            assertThat(registered.path("listenerId").asText()).isEqualTo("listener-7");
            assertThat(registered.path("source").asText()).startsWith("127.0.0.1:");
            assertThat(registered.path("category").asText()).isEqualTo("HybridConnectionsEvent");
            JsonNode accepting = first(all, "ListenerAcceptingConnection");
            assertThat(accepting.path("listenerId").asText()).isEqualTo("listener-7");
            assertThat(accepting.path("trackingId").asText()).isNotEmpty();
            JsonNode closed = first(all, "SenderConnectionClosed");
            assertThat(closed.path("trackingId").asText()).isEqualTo(accepting.path("trackingId").asText());
            assertThat(closed.path("bytesSenderToListener").asLong()).isEqualTo(5);
            assertThat(closed.path("bytesListenerToSender").asLong()).isEqualTo(5);
            assertThat(closed.has("durationMs")).isTrue();
            JsonNode authFailed = first(all, "AuthorizationFailed");
            assertThat(authFailed.path("statusCode").asInt()).isEqualTo(401);
            assertThat(authFailed.path("entity").asText()).isEqualTo("echo");
            assertThat(authFailed.path("reason").asText()).isEqualTo("auth");
            JsonNode change = first(all, "ManagementChange");
            assertThat(change.path("category").asText()).isEqualTo("ManagementEvent");
            assertThat(change.path("action").asText()).isEqualTo("PUT");
            assertThat(change.path("entity").asText()).isEqualTo("journaled");
            assertThat(all.path("capacity").asInt()).isEqualTo(1000);

            // Filters.
            assertThat(operations(events(gateway, "?kinds=NewListenerRegistered,ManagementChange")))
                    .containsExactly("NewListenerRegistered", "ManagementChange");
            assertThat(operations(events(gateway, "?entity=journaled"))).containsExactly("ManagementChange");
            long registeredId = registered.path("id").asLong();
            assertThat(events(gateway, "?since=" + registeredId).path("events").get(0).path("id").asLong())
                    .isEqualTo(registeredId + 1);
            assertThat(events(gateway, "?limit=1").path("events")).hasSize(1);
            assertThat(gateway.management("GET", "/relaysim/events?since=soon", ADMIN, null).statusCode())
                    .isEqualTo(400);
            assertThat(gateway.management("GET", "/relaysim/events", null, null).statusCode()).isEqualTo(401);

            listener.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> operations(events(gateway, ""))
                    .contains("ListenerUnregistered"));
            // The file gets the same lines.
            Path file = dataDirectory.resolve(EventFileWriter.FILE_NAME);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file)
                    && Files.readString(file).contains("ListenerUnregistered"));
            try (Stream<String> lines = Files.lines(file)) {
                assertThat(lines.map(EventJournalIntegrationTest::operation)).contains("NewListenerRegistered",
                        "SenderConnectionClosed", "ManagementChange");
            }
        }
    }

    /**
     * Refusals outside the WebSocket upgrade path are journaled as well, one event each: HTTP-mode requests (bad
     * token, unknown entity, no listener, a listener that never responds, a listener that goes away before it
     * responds), an oversized request head and a request cut by the handshake timeout.
     */
    @Test
    void httpModeOversizedAndLateRequestsBecomeRefusalEvents() throws Exception {
        ProtocolSettings defaults = TestGateway.defaultProtocol();
        ProtocolSettings shortTimeouts = new ProtocolSettings(defaults.rendezvousTimeout(), Duration.ofSeconds(1),
                defaults.maxMessageSize(), defaults.maxListenersPerEndpoint(), defaults.shutdownTimeout(),
                Duration.ofSeconds(1), ProtocolSettings.DEFAULT_TOKEN_EXPIRY_GRACE);
        try (TestGateway gateway = TestGateway.builder().protocol(shortTimeouts).start()) {
            int port = gateway.addresses().plainPort();
            String badToken = TestGateway.token(TestGateway.ENTITY, TestGateway.KEY_NAME, "wrong-key",
                    Instant.now().plusSeconds(600));
            assertThat(RawHttp.exchange(port, httpModeGet("/echo", badToken)).status()).isEqualTo(401);
            assertThat(RawHttp.exchange(port, httpModeGet("/nothing-here", TestGateway.token("nothing-here")))
                    .status()).isEqualTo(404);
            assertThat(RawHttp.exchange(port, httpModeGet("/echo", TestGateway.token(TestGateway.ENTITY)))
                    .status()).isEqualTo(502);
            WsPeer silentListener = WsPeer.connect(gateway.httpClient(), gateway.uri(false, TestGateway.ENTITY,
                            "sb-hc-action=listen&sb-hc-id=listener-9"),
                    Map.of("ServiceBusAuthorization", TestGateway.token(TestGateway.ENTITY))).get(10, TimeUnit.SECONDS);
            assertThat(RawHttp.exchange(port, httpModeGet("/echo", TestGateway.token(TestGateway.ENTITY)))
                    .status()).isEqualTo(504);
            CompletableFuture<RawHttp.Response> abandoned = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(port, httpModeGet("/echo", TestGateway.token(TestGateway.ENTITY)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            silentListener.next();
            silentListener.next();
            silentListener.socket().abort();
            assertThat(abandoned.get(30, TimeUnit.SECONDS).status()).isEqualTo(502);
            assertThat(RawHttp.exchange(port, "GET /echo HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nX-Big: "
                    + "a".repeat(40_000) + "\r\n\r\n").status()).isEqualTo(431);
            try (Socket late = new Socket("127.0.0.1", port)) {
                late.setSoTimeout(30_000);
                late.getOutputStream().write("GET /echo HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(RawHttp.read(late.getInputStream()).status()).isEqualTo(408);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> refusals(events(gateway, "")).size() == 7);
            List<JsonNode> refusals = refusals(events(gateway, ""));
            assertThat(refusals).extracting(event -> event.path("operationName").asText() + ' '
                    + event.path("statusCode").asInt() + ' ' + event.path("reason").asText()).containsExactly(
                    "AuthorizationFailed 401 auth", "ConnectionRefused 404 not_found",
                    "ConnectionRefused 502 no_listener", "ListenerAcceptingRequestTimeout 504 timeout",
                    "ListenerReturningHttpResponseFailed 502 endpoint_state", "ConnectionRefused 431 bad_request",
                    "ConnectionRefused 408 timeout");
            assertThat(refusals).allSatisfy(event -> {
                assertThat(event.path("trackingId").asText()).matches("[0-9a-f-]{36}_G\\d+");
                assertThat(event.path("source").asText()).startsWith("127.0.0.1:");
            });
            assertThat(refusals).extracting(event -> event.path("namespace").asText(null)).containsExactly(
                    TestGateway.NAMESPACE, TestGateway.NAMESPACE, TestGateway.NAMESPACE, TestGateway.NAMESPACE,
                    TestGateway.NAMESPACE, null, null);
            assertThat(refusals).extracting(event -> event.path("entity").asText(null))
                    .containsExactly("echo", "nothing-here", "echo", "echo", "echo", null, null);
            assertThat(refusals.subList(3, 5)).allSatisfy(event ->
                    assertThat(event.path("listenerId").asText()).isEqualTo("listener-9"));
        }
    }

    /** An HTTP-mode (no {@code $hc}) GET of {@code path} with {@code token}, closing the connection after it. */
    private static String httpModeGet(String path, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nServiceBusAuthorization: " + token
                + "\r\nConnection: close\r\n\r\n";
    }

    /** The events of refusals and failed requests, oldest first. */
    private static List<JsonNode> refusals(JsonNode answer) {
        List<JsonNode> refusals = new ArrayList<>();
        answer.path("events").forEach(event -> {
            if (event.has("statusCode") && !event.path("category").asText().equals("ManagementEvent")) {
                refusals.add(event);
            }
        });
        return refusals;
    }

    @Test
    void theStreamSendsNewEventsAndResumesFromLastEventId() throws Exception {
        try (TestGateway gateway = TestGateway.builder().start()) {
            EventJournal journal = gateway.server().events();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + gateway.addresses().managementPort() + "/relaysim/events/stream?kinds=ManagementChange"))
                    .header("Authorization", ADMIN).build();
            HttpResponse<Stream<String>> response = gateway.httpClient().send(request,
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            Thread reader = drain(response.body(), lines);
            journal.record(event(RelayEvent.Operation.NEW_LISTENER_REGISTERED, "filtered out"));
            journal.record(event(RelayEvent.Operation.MANAGEMENT_CHANGE, "first"));
            String id = next(lines, "id: ");
            assertThat(next(lines, "event: ")).isEqualTo("event: ManagementChange");
            assertThat(JSON.readTree(next(lines, "data: ").substring(6)).path("message").asText()).isEqualTo("first");
            reader.interrupt();

            journal.record(event(RelayEvent.Operation.MANAGEMENT_CHANGE, "second"));
            journal.record(event(RelayEvent.Operation.MANAGEMENT_CHANGE, "third"));
            HttpRequest resumed = HttpRequest.newBuilder(request.uri()).header("Authorization", ADMIN)
                    .header("Last-Event-ID", id.substring(4)).build();
            BlockingQueue<String> more = new LinkedBlockingQueue<>();
            HttpResponse<Stream<String>> second = gateway.httpClient().send(resumed,
                    HttpResponse.BodyHandlers.ofLines());
            drain(second.body(), more);
            assertThat(next(more, "data: ")).contains("\"message\":\"second\"");
            assertThat(next(more, "data: ")).contains("\"message\":\"third\"");
            assertThat(gateway.management("GET", "/relaysim/events/stream", null, null).statusCode())
                    .isEqualTo(401);
        }
    }

    /**
     * A stream reader that never reads: recording 50 times the ring's capacity does not wait for it, relaying goes
     * on meanwhile, the ring stays at its capacity, and when the reader finally reads it gets a gap notice rather
     * than every event the gateway would have had to buffer.
     */
    @Test
    void aReaderThatNeverReadsSlowsNeitherRecordingNorRelayingAndNothingGrowsPastTheRing() throws Exception {
        int capacity = 1000;
        try (TestGateway gateway = TestGateway.builder().events(new EventSettings(capacity, false)).start();
             Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", gateway.addresses().managementPort()), 10_000);
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /relaysim/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ADMIN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            EventJournal journal = gateway.server().events();
            await().atMost(Duration.ofSeconds(10)).until(() -> journal.readers() == 1);

            TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(true,
                    TestGateway.ENTITY), TestGateway.token(TestGateway.ENTITY), new TestListener.Mode.Echo());
            WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(true, TestGateway.ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(TestGateway.ENTITY))).get(10, TimeUnit.SECONDS);
            String padding = "x".repeat(400);
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < capacity; i++) {
                    journal.record(event(RelayEvent.Operation.CONNECTION_REFUSED, padding));
                }
                sender.sendText("round " + round).join();
                assertThat(sender.next(Duration.ofSeconds(10)).asText()).isEqualTo("round " + round);
            }
            assertThat(journal.read(0, Integer.MAX_VALUE).events()).hasSize(capacity);

            // Now read: the stream stopped at its write buffer and reports the gap instead of 50000 events.
            stuck.setSoTimeout(2000);
            InputStream in = stuck.getInputStream();
            List<String> lines = new ArrayList<>();
            long bytes = 0;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    bytes += line.length() + 1;
                    if (line.startsWith("event: ")) {
                        lines.add(line);
                    }
                }
            } catch (SocketTimeoutException drained) {
                // no more for now
            }
            assertThat(lines).contains("event: EventsDropped");
            assertThat(lines.size()).isLessThan(50 * capacity / 4);
            assertThat(bytes).isLessThan(50L * capacity * padding.length() / 4);
            listener.close();
        }
    }

    /** Reads a streamed body's lines into {@code lines} on a daemon thread. */
    private static Thread drain(Stream<String> body, BlockingQueue<String> lines) {
        Thread thread = new Thread(() -> body.forEach(lines::add), "sse-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static RelayEvent event(RelayEvent.Operation operation, String message) {
        return new RelayEvent(Instant.now(), operation, "sandbox", "echo", null, null, null, message, null);
    }

    private static String next(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a line starting with " + prefix).isNotNull();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    private static JsonNode events(TestGateway gateway, String query) throws Exception {
        HttpResponse<String> response = gateway.management("GET", "/relaysim/events" + query, ADMIN, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> operations(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.path("events").forEach(event -> names.add(event.path("operationName").asText()));
        return names;
    }

    private static JsonNode first(JsonNode answer, String operation) {
        for (JsonNode event : answer.path("events")) {
            if (event.path("operationName").asText().equals(operation)) {
                return event;
            }
        }
        throw new AssertionError("no " + operation + " in " + answer);
    }

    private static String operation(String line) {
        try {
            return JSON.readTree(line).path("operationName").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
