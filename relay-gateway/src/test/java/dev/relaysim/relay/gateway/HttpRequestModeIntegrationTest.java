package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP request mode on the wire, with a listener made of JDK WebSockets: the {@code request} command and its body
 * on the control channel, the address-only form and the request rendezvous, responses on the control channel and
 * on a rendezvous the listener opens by itself (body ended by close), and a late response after 504, which leaves
 * the control channel open.
 */
@Timeout(60)
class HttpRequestModeIntegrationTest {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(
            TestGateway.defaultProtocol(RESPONSE_TIMEOUT, ProtocolSettings.DEFAULT_TOKEN_EXPIRY_GRACE)));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WsPeer control;

    @BeforeEach
    void connectListener() throws Exception {
        TestGateway gw = gateway.get();
        control = WsPeer.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeListener() {
        control.socket().abort();
    }

    @Test
    void smallRequestGoesOnTheControlChannelWithItsBodyRightAfter() throws Exception {
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request("/sfx?a=1&sb-hc-id=z&b")
                .header("X-Multi", "one").header("X-Multi", "two")
                .POST(BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());

        RequestCommand command = (RequestCommand) ControlCommandCodec.decode(control.next().asText());
        WsPeer.Message body = control.next();

        assertThat(command.isAddressOnly()).isFalse();
        assertThat(command.method()).isEqualTo("POST");
        assertThat(command.requestTarget()).isEqualTo("/" + ENTITY + "/sfx?a=1&b");
        assertThat(command.body()).isTrue();
        assertThat(command.remoteEndpoint().address()).isEqualTo("127.0.0.1");
        assertThat(command.requestHeaders()).containsEntry("X-Multi", "one, two")
                .doesNotContainKeys("Content-Length", "ServiceBusAuthorization", "Connection");
        assertThat(command.address()).matches("ws://127\\.0\\.0\\.1:\\d+/\\$hc/" + ENTITY
                + "/sfx\\?sb-hc-action=request&sb-hc-id=" + command.id().replace("-", "\\-"));
        assertThat(command.id()).matches("[0-9a-f-]{36}_G\\d+");
        assertThat(body.text()).isFalse();
        assertThat(new String(body.data(), StandardCharsets.UTF_8)).isEqualTo("hello");

        control.socket().sendText(ControlCommandCodec.encode(new ResponseCommand(command.id(), 201, "Made",
                Map.of("X-R", "1"), true)), true).get(10, TimeUnit.SECONDS);
        control.socket().sendBinary(ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)), false)
                .get(10, TimeUnit.SECONDS);
        control.socket().sendBinary(ByteBuffer.allocate(0), true).get(10, TimeUnit.SECONDS);

        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("ab");
        assertThat(answer.headers().firstValue("x-r")).hasValue("1");
        assertThat(answer.headers().firstValue("via")).hasValue("1.1 " + TestGateway.HOST);
    }

    @Test
    void listenerMayAnswerOnTheRequestAddressAndEndTheBodyByClosing() throws Exception {
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request("").GET().build(),
                BodyHandlers.ofString());
        RequestCommand command = (RequestCommand) ControlCommandCodec.decode(control.next().asText());
        assertThat(command.body()).isFalse();

        WsPeer rendezvous = WsPeer.connect(gateway.get().httpClient(), URI.create(command.address()), Map.of())
                .get(10, TimeUnit.SECONDS);
        rendezvous.socket().sendText(ControlCommandCodec.encode(new ResponseCommand(command.id(), 200, null, Map.of(),
                true)), true).get(10, TimeUnit.SECONDS);
        rendezvous.socket().sendBinary(ByteBuffer.wrap("part1".getBytes(StandardCharsets.UTF_8)), false)
                .get(10, TimeUnit.SECONDS);
        rendezvous.socket().sendBinary(ByteBuffer.wrap("part2".getBytes(StandardCharsets.UTF_8)), false)
                .get(10, TimeUnit.SECONDS);
        rendezvous.socket().sendClose(1000, "done").get(10, TimeUnit.SECONDS);

        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("part1part2");
        // Single use: the address is gone.
        assertThat(WsPeer.connect(gateway.get().httpClient(), URI.create(command.address()), Map.of()))
                .failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void largeRequestGoesAddressOnlyAndArrivesOnTheRendezvous() throws Exception {
        byte[] payload = new byte[200_000];
        ThreadLocalRandom.current().nextBytes(payload);
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request("?big")
                .PUT(BodyPublishers.ofByteArray(payload)).build(), BodyHandlers.ofString());

        String text = control.next().asText();
        RequestCommand addressOnly = (RequestCommand) ControlCommandCodec.decode(text);
        assertThat(addressOnly.isAddressOnly()).isTrue();
        assertThat(text).isEqualTo("{\"request\":{\"address\":\"" + addressOnly.address() + "\",\"id\":\""
                + addressOnly.id() + "\"}}");

        WsPeer rendezvous = WsPeer.connect(gateway.get().httpClient(), URI.create(addressOnly.address()), Map.of())
                .get(10, TimeUnit.SECONDS);
        RequestCommand full = (RequestCommand) ControlCommandCodec.decode(rendezvous.next().asText());
        WsPeer.Message body = rendezvous.next();

        assertThat(full.id()).isEqualTo(addressOnly.id());
        assertThat(full.method()).isEqualTo("PUT");
        assertThat(full.requestTarget()).isEqualTo("/" + ENTITY + "?big");
        assertThat(full.body()).isTrue();
        assertThat(body.data()).isEqualTo(payload);

        rendezvous.sendText(ControlCommandCodec.encode(new ResponseCommand(full.id(), 204, "Stored", Map.of(),
                false))).get(10, TimeUnit.SECONDS);
        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(rendezvous.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
    }

    @Test
    void lateResponseAfter504IsDroppedAndTheListenerKeepsServing() throws Exception {
        HttpResponse<String> timedOut = client.send(request("").GET().build(), BodyHandlers.ofString());
        RequestCommand first = (RequestCommand) ControlCommandCodec.decode(control.next().asText());

        assertThat(timedOut.statusCode()).isEqualTo(504);
        assertThat(timedOut.body()).startsWith("{\"error\":{\"code\":\"GatewayTimeout\"");

        control.sendText(ControlCommandCodec.encode(new ResponseCommand(first.id(), 200, "Late", Map.of(), false)))
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> second = client.sendAsync(request("").GET().build(),
                BodyHandlers.ofString());
        RequestCommand next = (RequestCommand) ControlCommandCodec.decode(control.next().asText());
        control.sendText(ControlCommandCodec.encode(new ResponseCommand(next.id(), 202, "Accepted", Map.of(), false)))
                .get(10, TimeUnit.SECONDS);

        assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(control.closed()).isNotDone();
    }

    private static HttpRequest.Builder request(String suffixAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().addresses().plainPort() + "/"
                        + ENTITY + suffixAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY));
    }
}
