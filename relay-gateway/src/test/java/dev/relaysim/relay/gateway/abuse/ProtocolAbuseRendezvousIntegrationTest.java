package dev.relaysim.relay.gateway.abuse;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.abuse.AbuseFixture.HealthyPair;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.RawWebSocket.Frame;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.relaysim.relay.gateway.abuse.AbuseFixture.ABUSED_ENTITY;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.SENDER_TARGET;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.connectRawSender;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.openAccept;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.rawControlChannel;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.upgrade;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.BINARY;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.CLOSE;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Abuse of the rendezvous and of the control channel: accept addresses used twice, used after they expired or
 * guessed, and a listener sending what the service never expects on its control channel. Each is refused with the
 * service's status or close code, the real rendezvous still completes, and a healthy pair keeps relaying.
 */
@Timeout(60)
class ProtocolAbuseRendezvousIntegrationTest {

    static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(2);
    static final String INVALID_RENDEZVOUS = "The rendezvous address is invalid or has expired. TrackingId:";

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            RENDEZVOUS_TIMEOUT, Duration.ofSeconds(10), 16 * 1024 * 1024, 25, Duration.ofSeconds(2))));

    /** Opened once the gateway runs ({@code @Order}: extension order is otherwise unspecified). */
    @RegisterExtension
    @Order(2)
    static final HealthyPair healthy = new HealthyPair(gateway);

    @Test
    void acceptAddressUsedASecondTimeIsRefused403() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = ignoringListener(gw)) {
            CompletableFuture<RawWebSocket> sender = connectRawSender(gw);
            AcceptCommand accept = awaitAccept(listener);
            try (RawWebSocket rendezvous = openAccept(accept.address(), "");
                 RawWebSocket connected = sender.get(10, TimeUnit.SECONDS)) {
                assertThat(rendezvous.status()).isEqualTo(101);
                assertThat(connected.status()).isEqualTo(101);

                try (RawWebSocket again = openAccept(accept.address(), "")) {
                    assertThat(again.status()).isEqualTo(403);
                }

                connected.send(TEXT, "still paired".getBytes(StandardCharsets.UTF_8));
                assertThat(rendezvous.read().text()).isEqualTo("still paired");
            }
        }
        healthy.assertUndisturbed();
    }

    @Test
    void acceptAddressUsedAfterItExpiredIsRefused403() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = ignoringListener(gw)) {
            CompletableFuture<RawWebSocket> sender = connectRawSender(gw);
            AcceptCommand accept = awaitAccept(listener);
            try (RawWebSocket expired = sender.get(30, TimeUnit.SECONDS)) {
                assertThat(expired.status()).isEqualTo(404);
            }
            Response late = rendezvousExchange(accept.address(), "");
            assertThat(late.status()).isEqualTo(403);
            assertThat(late.reason()).startsWith(INVALID_RENDEZVOUS);
        }
        healthy.assertUndisturbed();
    }

    static Stream<Arguments> forgedAccepts() {
        return Stream.of(
                Arguments.of("random id", (Forgery) (address, id, gw) -> replaceId(address, id,
                        UUID.randomUUID() + "_G0"), 403),
                Arguments.of("id with another instance suffix", (Forgery) (address, id, gw) -> replaceId(address, id,
                        id.substring(0, id.indexOf("_G")) + "_G9"), 403),
                Arguments.of("id without instance suffix", (Forgery) (address, id, gw) -> replaceId(address, id,
                        id.substring(0, id.indexOf("_G"))), 403),
                Arguments.of("id with one character changed", (Forgery) (address, id, gw) -> replaceId(address, id,
                        (id.charAt(0) == 'a' ? 'b' : 'a') + id.substring(1)), 403),
                Arguments.of("id as a prefix", (Forgery) (address, id, gw) -> replaceId(address, id,
                        id.substring(0, 8)), 403),
                Arguments.of("malformed id", (Forgery) (address, id, gw) -> replaceId(address, id,
                        "..%2F..%2F%00%20" + "z".repeat(2000)), 403),
                Arguments.of("id that is no UTF-8", (Forgery) (address, id, gw) -> replaceId(address, id,
                        "%ff%fe"), 400),
                Arguments.of("empty id", (Forgery) (address, id, gw) -> replaceId(address, id, ""), 403),
                Arguments.of("no id", (Forgery) (address, id, gw) -> address.replace("&sb-hc-id=" + id, ""), 403),
                Arguments.of("right id on another rendezvous port", (Forgery) (address, id, gw) -> otherPort(address,
                        gw), 404),
                Arguments.of("right id on the front end", (Forgery) (address, id, gw) -> "ws://127.0.0.1:"
                        + gw.addresses().plainPort() + URI.create(address).getRawPath() + '?'
                        + URI.create(address).getRawQuery(), 404),
                Arguments.of("right id for another entity", (Forgery) (address, id, gw) -> address.replace(
                        "/$hc/" + ABUSED_ENTITY, "/$hc/" + TestGateway.ENTITY), 403));
    }

    /** Forges an accept address from the real one and its id. */
    interface Forgery {
        String forge(String address, String id, TestGateway gateway);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("forgedAccepts")
    void forgedAcceptIsRefusedAndTheRealRendezvousStillCompletes(String name, Forgery forgery, int status)
            throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = ignoringListener(gw)) {
            CompletableFuture<RawWebSocket> sender = connectRawSender(gw);
            AcceptCommand accept = awaitAccept(listener);

            String forged = forgery.forge(accept.address(), accept.id(), gw);
            Response refused = rendezvousExchange(forged, "");
            assertThat(refused.status()).as(refused.reason()).isEqualTo(status);
            assertThat(sender).isNotDone();

            try (RawWebSocket rendezvous = openAccept(accept.address(), "");
                 RawWebSocket connected = sender.get(10, TimeUnit.SECONDS)) {
                assertThat(rendezvous.status()).isEqualTo(101);
                assertThat(connected.status()).isEqualTo(101);
                rendezvous.send(BINARY, new byte[] {1, 2, 3});
                assertThat(connected.read().payload()).containsExactly(1, 2, 3);
            }
        }
        healthy.assertUndisturbed();
    }

    @Test
    void unknownCommandClosesTheControlChannelWith1008() throws Exception {
        assertControlChannelClosed(TEXT, "{\"ping\":{}}", 1008, "Unsupported command: control command: unknown "
                + "command 'ping'");
    }

    @Test
    void textThatIsNoJsonClosesTheControlChannelWith1008() throws Exception {
        assertControlChannelClosed(TEXT, "hello gateway", 1008, "Unsupported command: control command: malformed "
                + "JSON");
    }

    @Test
    void commandOnlyTheServiceSendsClosesTheControlChannelWith1008() throws Exception {
        assertControlChannelClosed(TEXT, "{\"accept\":{\"address\":\"wss://x/$hc/y\",\"id\":\"i\",\"connectHeaders\""
                + ":{},\"remoteEndpoint\":{\"address\":\"1.2.3.4\",\"port\":1}}}", 1008, "Unsupported command");
    }

    @Test
    void binaryMessageWithoutARequestClosesTheControlChannelWith1003() throws Exception {
        assertControlChannelClosed(BINARY, "\u0001\u0002", 1003, "Binary messages are not supported on the control "
                + "channel");
    }

    @Test
    void commandOver64KiBClosesTheControlChannelWith1009() throws Exception {
        String huge = "{\"renewToken\":{\"token\":\"" + "t".repeat(70 * 1024) + "\"}}";
        assertControlChannelClosed(TEXT, huge, 1009, "Command longer than 65536 characters");
    }

    @Test
    void responseForAnUnknownRequestIsDroppedAndTheListenerStays() throws Exception {
        TestGateway gw = gateway.get();
        try (RawWebSocket control = rawControlChannel(gw)) {
            ResponseCommand stray = new ResponseCommand(UUID.randomUUID() + "_G0", 200, "OK", Map.of(), true);
            control.send(TEXT, ControlCommandCodec.encode(stray).getBytes(StandardCharsets.UTF_8));
            control.send(false, 0, BINARY, true, "body of nobody's ".getBytes(StandardCharsets.UTF_8));
            control.send(true, 0, RawWebSocket.CONTINUATION, true, "response".getBytes(StandardCharsets.UTF_8));

            // Still a listener: a sender's accept reaches it.
            CompletableFuture<RawWebSocket> sender = connectRawSender(gw);
            Frame accept = control.read();
            assertThat(accept.opcode()).as("%s", accept).isEqualTo(TEXT);
            assertThat(ControlCommandCodec.decode(accept.text())).isInstanceOf(AcceptCommand.class);
            try (RawWebSocket expired = sender.get(30, TimeUnit.SECONDS)) {
                assertThat(expired.status()).isEqualTo(404);
            }
        }
        healthy.assertUndisturbed();
    }

    /** Sends one message on a fresh raw control channel and expects the gateway to close it as given. */
    private static void assertControlChannelClosed(int opcode, String message, int code, String reasonStart)
            throws Exception {
        try (RawWebSocket control = rawControlChannel(gateway.get())) {
            control.send(opcode, message.getBytes(StandardCharsets.UTF_8));
            Frame close = control.read();
            assertThat(close.opcode()).as("%s", close).isEqualTo(CLOSE);
            assertThat(close.closeCode()).isEqualTo(code);
            assertThat(close.closeReason()).startsWith(reasonStart);
            assertThat(control.readToEnd()).isEmpty();
        }
        Response sender = RawHttp.exchange(gateway.get().addresses().plainPort(), upgrade(gateway.get(),
                SENDER_TARGET));
        assertThat(sender.status()).as("the closed listener is gone").isEqualTo(404);
        assertThat(sender.reason()).startsWith("There are no listeners connected for the endpoint.");
        healthy.assertUndisturbed();
    }

    private static TestListener ignoringListener(TestGateway gw) throws Exception {
        return TestListener.connect(gw.httpClient(), gw.listenUri(false, ABUSED_ENTITY),
                TestGateway.token(ABUSED_ENTITY), new TestListener.Mode.Ignore());
    }

    private static AcceptCommand awaitAccept(TestListener listener) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.accepts().isEmpty());
        return listener.accepts().get(0);
    }

    /** An upgrade request to {@code address} (+ {@code suffix}) whose answer is not a 101. */
    private static Response rendezvousExchange(String address, String suffix) throws IOException {
        URI uri = URI.create(address);
        return RawHttp.exchange(uri.getPort(), RawHttp.upgradeRequest(uri.getRawPath() + '?' + uri.getRawQuery()
                + suffix, uri.getHost() + ':' + uri.getPort()));
    }

    private static String replaceId(String address, String id, String forged) {
        return address.replace("sb-hc-id=" + id, "sb-hc-id=" + forged);
    }

    private static String otherPort(String address, TestGateway gw) {
        URI uri = URI.create(address);
        int other = gw.addresses().rendezvous().stream().mapToInt(InetSocketAddress::getPort)
                .filter(port -> port != uri.getPort()).findFirst().orElseThrow();
        return address.replace(":" + uri.getPort() + "/", ":" + other + "/");
    }
}
