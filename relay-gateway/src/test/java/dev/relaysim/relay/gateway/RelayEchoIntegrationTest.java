package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;

/** A listener and a sender relayed through the gateway, over ws and wss, checked byte for byte. */
@Timeout(240)
class RelayEchoIntegrationTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    /** Paranoid leak detection (every test JVM) makes an 8 MiB message take seconds each way. */
    private static final Duration LARGE_MESSAGE_WAIT = Duration.ofSeconds(60);
    private static final int[] SIZES = {1, 125, 126, 65_535, 65_536, 65_537, 1024 * 1024, 8 * 1024 * 1024};

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesTextAndBinaryOfEverySize(boolean tls) throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(tls, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.uri(tls, ENTITY + "/sfx", "app=1&sb-hc-action=connect"),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY), "X-App", "hello"))
                    .get(20, TimeUnit.SECONDS);

            AcceptCommand accept = listener.accepts().get(0);
            URI address = URI.create(accept.address());
            assertThat(address.getScheme()).isEqualTo(tls ? "wss" : "ws");
            assertThat(address.getHost()).isEqualTo("127.0.0.1");
            assertThat(gw.addresses().rendezvous()).anyMatch(a -> a.getPort() == address.getPort());
            assertThat(address.getRawPath()).isEqualTo("/$hc/echo/sfx");
            assertThat(address.getRawQuery()).startsWith("app=1&sb-hc-action=accept&sb-hc-id=" + accept.id());
            assertThat(accept.id()).matches("[0-9a-f-]{36}_G\\d+");
            assertThat(accept.connectHeaders()).containsKeys("Sec-WebSocket-Key", "X-App")
                    .doesNotContainKey("ServiceBusAuthorization");
            assertThat(accept.remoteEndpoint().address()).isEqualTo("127.0.0.1");

            Random random = new Random(42);
            for (int size : SIZES) {
                byte[] binary = new byte[size];
                random.nextBytes(binary);
                sender.sendBinary(binary).get(60, TimeUnit.SECONDS);
                WsPeer.Message echoed = sender.next(LARGE_MESSAGE_WAIT);
                assertThat(echoed.text()).isFalse();
                assertThat(echoed.data()).as("binary of %d bytes", size).isEqualTo(binary);

                String text = "x".repeat(size - 1) + "é".substring(0, size > 0 ? 1 : 0);
                sender.sendText(text).get(60, TimeUnit.SECONDS);
                WsPeer.Message echoedText = sender.next(LARGE_MESSAGE_WAIT);
                assertThat(echoedText.text()).isTrue();
                assertThat(echoedText.asText()).as("text of %d characters", size).isEqualTo(text);
            }
            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    @Test
    void passesTheSubprotocolTheListenerChose() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(true, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)), "chat.v1", "chat.v2")
                    .get(20, TimeUnit.SECONDS);
            assertThat(sender.socket().getSubprotocol()).isEqualTo("chat.v1");
            assertThat(listener.rendezvousAttempts()).hasSize(1);
            assertThat(listener.rendezvousAttempts().get(0).get(10, TimeUnit.SECONDS).socket().getSubprotocol())
                    .isEqualTo("chat.v1");
            sender.sendText("hi").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("hi");
            sender.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        }
    }
}
