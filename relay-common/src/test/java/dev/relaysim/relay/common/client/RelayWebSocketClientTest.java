package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.testing.TestServerCertificate;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(120)
class RelayWebSocketClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path tlsDirectory;

    private static TestServerCertificate certificate;
    private static TestWebSocketServer plain;
    private static TestWebSocketServer tls;
    private static RelayWebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        certificate = TestServerCertificate.create(tlsDirectory, "ca.pem", "dns:localhost");
        plain = new TestWebSocketServer(null);
        tls = new TestWebSocketServer(certificate.newServerSslContext());
        client = new RelayWebSocketClient(SslContexts.forClient(certificate.certificatePem()),
                RelayClientConfig.defaults());
    }

    @AfterAll
    static void stop() {
        client.close();
        plain.close();
        tls.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64 * 1024 + 1, 8 * 1024 * 1024})
    void echoesBinaryAndTextByteExactOverWsAndWss(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        String text = "x".repeat(size - 1) + "é".substring(0, size > 1 ? 1 : 0);
        for (URI uri : List.of(URI.create("ws://127.0.0.1:" + plain.port() + "/echo"),
                URI.create("wss://localhost:" + tls.port() + "/echo"))) {
            RelayConnection connection = connect(uri, null);
            connection.send(data).get();
            RelayMessage binary = connection.receive(TIMEOUT);
            assertThat(binary.isBinary()).isTrue();
            assertThat(binary.contentEquals(data)).as("binary echo of %d bytes over %s", size, uri.getScheme())
                    .isTrue();
            if (!text.isEmpty()) {
                connection.sendText(text).get();
                RelayMessage echoed = connection.receive(TIMEOUT);
                assertThat(echoed.isText()).isTrue();
                assertThat(echoed.asText()).isEqualTo(text);
            }
            assertThat(connection.close(1000, "done").get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RelayCloseStatus(1000, "done"));
        }
    }

    @Test
    void connectionsLeaveFromTheSourceAddress() throws Exception {
        InetAddress source = InetAddress.getByName("127.10.0.7"); // 127.0.0.0/8 is all loopback on Linux
        try (RelayWebSocketClient bound = new RelayWebSocketClient(null, RelayClientConfig.defaults(), null, source)) {
            assertThat(bound.sourceAddress()).contains(source);
            RelayConnection connection = bound.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/echo"),
                    new DefaultHttpHeaders(), null, TIMEOUT).get();
            assertThat(connection.localAddress().getAddress()).isEqualTo(source);
            connection.close(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sendsCustomHeadersAndNegotiatesTheSubprotocol() throws Exception {
        plain.requestHeaders.clear();
        HttpHeaders headers = new DefaultHttpHeaders().add("ServiceBusAuthorization", "SharedAccessSignature sr=x");
        RelayConnection connection =
                client.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/$hc/echo?sb-hc-action=connect"),
                headers, "chat.v2", TIMEOUT).get();
        assertThat(connection.subprotocol()).isEqualTo("chat.v2");
        HttpHeaders seen = plain.requestHeaders.poll(5, TimeUnit.SECONDS);
        assertThat(seen.get("ServiceBusAuthorization")).isEqualTo("SharedAccessSignature sr=x");
        assertThat(seen.contains("Origin")).isFalse();
        assertThat(seen.contains("Sec-WebSocket-Extensions")).isFalse();
        connection.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void refusedUpgradeCarriesStatusReasonAndBody() {
        CompletableFuture<RelayConnection> refused =
                client.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/x?refuse=404"),
                EmptyHttpHeaders.INSTANCE, null, TIMEOUT);
        assertThatThrownBy(refused::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(RelayHandshakeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.reasonPhrase()).isEqualTo("Refused by test");
                    assertThat(e.body()).isEqualTo("{\"error\":\"refused\"}");
                    assertThat(e.description()).isEqualTo("Refused by test");
                });
    }

    @Test
    void connectionRefusedIsDescribed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CompletableFuture<RelayConnection> refused = client.connect(URI.create("ws://127.0.0.1:" + port + "/x"),
                EmptyHttpHeaders.INSTANCE, null, TIMEOUT);
        assertThatThrownBy(refused::join).cause().isInstanceOf(ConnectException.class);
        assertThat(ConnectFailures.describe(refused.handle((c, e) -> e).join(), "127.0.0.1:" + port))
                .isEqualTo("cannot reach 127.0.0.1:" + port + ": connection refused — is ./relaysim gateway running?");
    }

    @Test
    void sendsSniForHostNamesAndVerifiesTheHostName() throws Exception {
        tls.serverNames.clear();
        RelayConnection connection = connect(URI.create("wss://localhost:" + tls.port() + "/sni"), null);
        assertThat(tls.serverNames.poll(5, TimeUnit.SECONDS)).isEqualTo("localhost");
        connection.close(1000, "").get(10, TimeUnit.SECONDS);

        // The certificate covers localhost only, so 127.0.0.1 fails host name verification.
        CompletableFuture<RelayConnection> wrongName =
                client.connect(URI.create("wss://127.0.0.1:" + tls.port() + "/sni"),
                EmptyHttpHeaders.INSTANCE, null, TIMEOUT);
        assertThatThrownBy(wrongName::join).cause().isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void untrustedCertificateFailsTheTlsHandshake() {
        try (RelayWebSocketClient systemTrust = new RelayWebSocketClient(null, RelayClientConfig.defaults())) {
            CompletableFuture<RelayConnection> untrusted =
                    systemTrust.connect(URI.create("wss://localhost:" + tls.port() + "/x"),
                    EmptyHttpHeaders.INSTANCE, null, TIMEOUT);
            assertThatThrownBy(untrusted::join).cause().isInstanceOf(SSLHandshakeException.class);
            assertThat(ConnectFailures.describe(untrusted.handle((c, e) -> e).join(), "localhost:" + tls.port()))
                    .startsWith("TLS handshake with localhost:" + tls.port()
                            + " failed: its certificate is not signed by a trusted CA — ");
        }
    }

    @Test
    void fragmentsArriveAsOneMessage() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/f"), null);
        connection.sendText("fragments").get();
        assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("abcdef");
        connection.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    /**
     * A send from the event loop (a handler answering) may not overtake a send another thread made just before:
     * Netty would write the loop's frame at once, ahead of the other thread's queued write.
     */
    @Test
    void sendsKeepTheirOrderAcrossThreads() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/order"), null);
        CountDownLatch handlerBlocked = new CountDownLatch(1);
        CountDownLatch otherThreadSent = new CountDownLatch(1);
        List<String> echoes = new CopyOnWriteArrayList<>();
        connection.setHandler(message -> {
            String text = message.asText();
            if (text.equals("trigger")) {
                handlerBlocked.countDown();
                try {
                    otherThreadSent.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                connection.sendText("second");
            } else {
                echoes.add(text);
            }
        });
        connection.sendText("trigger").get();
        assertThat(handlerBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        connection.sendText("first");
        otherThreadSent.countDown();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(echoes).containsExactly("first", "second"));
        connection.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void peerCloseIsAnsweredWithTheSameCodeAndReported() throws Exception {
        plain.receivedCloses.clear();
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/c"), null);
        RecordingMessageHandler handler = new RecordingMessageHandler();
        connection.setHandler(handler);
        connection.sendText("before").get();
        connection.sendText("close:4000:bye now").get();
        handler.closed.get(10, TimeUnit.SECONDS);
        assertThat(handler.events).containsExactly("before", "close 4000 bye now");
        assertThat(connection.closeFuture().join()).isEqualTo(new RelayCloseStatus(4000, "bye now"));
        assertThat(plain.receivedCloses.poll(5, TimeUnit.SECONDS)).isEqualTo("4000 bye now");
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void halfCloseStillReceivesUntilThePeerCloses() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/h"), null);
        connection.sendText("then-close").get();
        CompletableFuture<RelayCloseStatus> closing = connection.close(1000, "shutdown");
        assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("late");
        assertThat(closing.get(10, TimeUnit.SECONDS)).isEqualTo(new RelayCloseStatus(1000, "shutdown"));
        assertThat(connection.receive(TIMEOUT)).isNull();
        assertThatThrownBy(() -> connection.sendText("too late").join()).cause()
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void messagesOverTheLimitCloseWith1009() throws Exception {
        RelayClientConfig small = new RelayClientConfig(1 << 20, 1024, 16, 1024 * 1024, Duration.ofSeconds(5));
        try (RelayWebSocketClient limited = new RelayWebSocketClient(null, small)) {
            RelayConnection connection = limited.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/big"),
                    EmptyHttpHeaders.INSTANCE, null, TIMEOUT).get();
            plain.receivedCloses.clear();
            connection.sendText("fragments").get();
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("abcdef");
            connection.sendText("big:2000").get();
            assertThat(plain.receivedCloses.poll(10, TimeUnit.SECONDS)).isEqualTo("1009 message too big");
            assertThat(connection.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(1009);
        }
    }

    @Test
    void aSlowReaderPausesReadingAndGetsEveryMessage() throws Exception {
        RelayClientConfig smallQueue = new RelayClientConfig(1 << 20, 1 << 20, 8, 1 << 20, Duration.ofSeconds(5));
        try (RelayWebSocketClient limited = new RelayWebSocketClient(null, smallQueue)) {
            RelayConnection connection = limited.connect(URI.create("ws://127.0.0.1:" + plain.port() + "/burst"),
                    EmptyHttpHeaders.INSTANCE, null, TIMEOUT).get();
            connection.sendText("burst:1000").get();
            for (int i = 0; i < 1000; i++) {
                assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("m" + i);
            }
            connection.close(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void handlerGetsQueuedMessagesFirst() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/q"), null);
        connection.sendText("one").get();
        connection.sendText("two").get();
        await().atMost(Duration.ofSeconds(5)).until(() -> connection.queuedMessages() == 2);
        List<String> received = new ArrayList<>();
        CompletableFuture<Void> third = new CompletableFuture<>();
        connection.setHandler(message -> {
            received.add(message.asText());
            if (received.size() == 3) {
                third.complete(null);
            }
        });
        connection.sendText("three").get();
        third.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactly("one", "two", "three");
        assertThatThrownBy(() -> connection.receive(TIMEOUT)).isInstanceOf(IllegalStateException.class);
        connection.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void buffersAreSentAndReadInPlace() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/b"), null);
        byte[] data = new byte[64 * 1024 + 1];
        new Random(7).nextBytes(data);
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> both = new CompletableFuture<>();
        connection.setHandler(new RelayMessageHandler() {
            @Override
            public void onMessage(RelayMessage message) {
                received.add("copied " + message);
            }

            @Override
            public void onMessage(boolean text, ByteBuf content) {
                received.add(text ? "text " + content.toString(StandardCharsets.UTF_8)
                        : "binary " + ByteBufUtil.equals(content, Unpooled.wrappedBuffer(data)));
                if (received.size() == 2) {
                    both.complete(null);
                }
            }
        });
        ByteBuf sent = Unpooled.wrappedBuffer(data);
        connection.send(sent).get();
        assertThat(sent.refCnt()).as("released once written").isZero();
        connection.sendText("after").get();
        both.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactly("binary true", "text after");
        connection.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void abortReportsAnAbnormalClose() throws Exception {
        RelayConnection connection = connect(URI.create("ws://127.0.0.1:" + plain.port() + "/a"), null);
        connection.abort();
        assertThat(connection.closeFuture().get(10, TimeUnit.SECONDS).code()).isEqualTo(RelayCloseStatus.ABNORMAL);
        assertThat(connection.receive(TIMEOUT)).isNull();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> client.connect(URI.create("http://localhost/"),
                EmptyHttpHeaders.INSTANCE, null, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: http://localhost/ (expected: ws:// or wss://)");
        assertThatThrownBy(() -> new RelayClientConfig(0, 1, 1, 1, Duration.ofSeconds(1)))
                .hasMessage("maxFramePayloadLength: 0 (expected: >= 1)");
    }

    private static RelayConnection connect(URI uri, String subprotocol) throws Exception {
        return client.connect(uri, EmptyHttpHeaders.INSTANCE, subprotocol, TIMEOUT).get(10, TimeUnit.SECONDS);
    }
}
