package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;

/** What a listener may send on its control channel. */
@Timeout(60)
class ControlChannelIntegrationTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    @Test
    void validRenewTokenIsSilentAndTheListenerStaysUsable() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            listener.control().sendText(ControlCommandCodec.encode(new RenewTokenCommand(TestGateway.token(ENTITY))))
                    .get(10, TimeUnit.SECONDS);

            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("still here").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("still here");
            assertThat(listener.otherCommands()).isEmpty();
            assertThat(listener.control().closed()).isNotDone();
        }
    }

    @Test
    void invalidRenewTokenClosesWith1008() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            String expired = TestGateway.token(ENTITY, TestGateway.KEY_NAME, TestGateway.KEY,
                    Instant.now().minusSeconds(10));
            listener.control().sendText(ControlCommandCodec.encode(new RenewTokenCommand(expired)))
                    .get(10, TimeUnit.SECONDS);

            WsPeer.Close close = listener.control().closed().get(10, TimeUnit.SECONDS);
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).contains("expired");
        }
    }

    @Test
    void otherCommandsCloseWith1008() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            // A response to a request nobody waits for (a late answer) is dropped; the channel stays open.
            listener.control().sendText(ControlCommandCodec.encode(new ResponseCommand("r1", 200, "OK", Map.of(),
                    false))).get(10, TimeUnit.SECONDS);
            listener.control().sendText(ControlCommandCodec.encode(RequestCommand.addressOnly("ws://x", "r2")))
                    .get(10, TimeUnit.SECONDS);

            WsPeer.Close close = listener.control().closed().get(10, TimeUnit.SECONDS);
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("Unsupported command");
        }
    }

    @Test
    void binaryOnTheControlChannelClosesWith1003() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            listener.control().socket().sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(10, TimeUnit.SECONDS);

            assertThat(listener.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1003);
        }
    }

    @Test
    void pingsAreAnswered() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            listener.control().socket().sendPing(ByteBuffer.wrap(new byte[] {7})).get(10, TimeUnit.SECONDS);
            listener.control().socket().sendPong(ByteBuffer.wrap(new byte[] {8})).get(10, TimeUnit.SECONDS);

            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("after ping").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("after ping");
            assertThat(listener.control().closed()).isNotDone();
        }
    }
}
