package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.TestListener.Mode;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token expiry and renewal on listener control channels, with a 1 s expiry grace and tokens that expire 2-3 s after
 * they are made: an unrenewed channel is closed with 1008 once its token is expired for the grace, a valid
 * {@code renewToken} extends it silently, an invalid one closes it with 1008, and relayed connections the listener
 * accepted meanwhile outlive their control channel.
 */
@Timeout(60)
class ControlChannelTokenTest {

    private static final Duration GRACE = Duration.ofSeconds(1);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(
            TestGateway.defaultProtocol(ProtocolSettings.DEFAULT_RESPONSE_TIMEOUT, GRACE)));

    @Test
    void unrenewedTokenClosesTheControlChannelWith1008OnceExpiredForTheGrace() throws Exception {
        Instant expiresAt = shortExpiry();
        try (TestListener listener = connect(TestGateway.token(ENTITY, TestGateway.KEY_NAME, TestGateway.KEY,
                expiresAt), new Mode.Echo())) {
            WsPeer.Close close = listener.control().closed().get(20, TimeUnit.SECONDS);
            Instant closedAt = Instant.now();

            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("The token is expired and was not renewed");
            assertThat(closedAt).isAfterOrEqualTo(expiresAt.plus(GRACE).minusMillis(100));
            assertThat(listener.otherCommands()).isEmpty();
        }
    }

    @Test
    void validRenewalExtendsTheChannelSilently() throws Exception {
        Instant expiresAt = shortExpiry();
        try (TestListener listener = connect(TestGateway.token(ENTITY, TestGateway.KEY_NAME, TestGateway.KEY,
                expiresAt), new Mode.Echo())) {
            listener.control().sendText(ControlCommandCodec.encode(new RenewTokenCommand(TestGateway.token(ENTITY))))
                    .get(10, TimeUnit.SECONDS);

            // Well past the first token's expiry plus the grace, the channel is still open and got no answer.
            await().during(Duration.between(Instant.now(), expiresAt.plus(GRACE)).plusSeconds(2))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> !listener.control().closed().isDone() && listener.otherCommands().isEmpty());
            assertThat(gateway.get().config().protocol().tokenExpiryGrace()).isEqualTo(GRACE);
        }
    }

    @Test
    void invalidRenewalClosesTheChannelWith1008() throws Exception {
        try (TestListener listener = connect(TestGateway.token(ENTITY), new Mode.Echo())) {
            String forged = TestGateway.token(ENTITY, TestGateway.KEY_NAME, "Zm9yZ2VkLWtleQ==",
                    Instant.now().plus(Duration.ofHours(1)));
            listener.control().sendText(ControlCommandCodec.encode(new RenewTokenCommand(forged)))
                    .get(10, TimeUnit.SECONDS);

            WsPeer.Close close = listener.control().closed().get(10, TimeUnit.SECONDS);

            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).startsWith("The token has an invalid signature.");
        }
    }

    @Test
    void renewalWithoutListenRightClosesTheChannelWith1008() throws Exception {
        try (TestListener listener = connect(TestGateway.token(ENTITY), new Mode.Echo())) {
            String sendOnly = TestGateway.token(ENTITY, TestGateway.SEND_KEY_NAME, TestGateway.SEND_KEY,
                    Instant.now().plus(Duration.ofHours(1)));
            listener.control().sendText(ControlCommandCodec.encode(new RenewTokenCommand(sendOnly)))
                    .get(10, TimeUnit.SECONDS);

            assertThat(listener.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }
    }

    @Test
    void relayedConnectionsOutliveTheirExpiredControlChannel() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = connect(TestGateway.token(ENTITY, TestGateway.KEY_NAME, TestGateway.KEY,
                shortExpiry()), new Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("before").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("before");

            assertThat(listener.control().closed().get(20, TimeUnit.SECONDS).code()).isEqualTo(1008);

            sender.sendText("after").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("after");
            assertThat(sender.closed()).isNotDone();
            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    /** Two to three seconds from now, on a whole second (SAS expiry is in seconds). */
    private static Instant shortExpiry() {
        return Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    }

    private static TestListener connect(String token, Mode mode) throws Exception {
        TestGateway gw = gateway.get();
        return TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY), token, mode);
    }
}
