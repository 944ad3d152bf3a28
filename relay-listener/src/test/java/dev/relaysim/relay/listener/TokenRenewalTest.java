package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When a control channel's token is renewed, on an {@link EmbeddedChannel}'s event loop with frozen time. */
class TokenRenewalTest {

    private static final String AUDIENCE = "http://localhost/echo/";
    private static final Duration LIFE = Duration.ofSeconds(100);
    private static final Instant START = Instant.now();
    private static final TokenProvider TOKENS = TokenProvider.of(ConnectionString.parse(
            "Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;"
                    + "SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=;EntityPath=echo"));

    private final EmbeddedChannel channel = new EmbeddedChannel();
    /** Tokens whose expiry grows by a second per token, so that each renewal brings a later one. */
    private final TokenProvider growingTokens = new TokenProvider() {
        private int issued;

        @Override
        public String token(String audience, Duration validFor) {
            long expiry = START.plus(validFor).getEpochSecond() + issued++;
            return "SharedAccessSignature sr=http%3A%2F%2Flocalhost%2Fecho%2F&sig=c2ln&se=" + expiry + "&skn=test";
        }
    };
    private final List<String> sent = new ArrayList<>();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void renewsAtEightyPercentOfTheTokensLifeAndAgainForTheNewToken() throws Exception {
        channel.freezeTime();
        TokenRenewal renewal = new TokenRenewal("l1", AUDIENCE, growingTokens, LIFE, channel.eventLoop(), sent::add);
        renewal.start(TokenRenewal.expiryOf(growingTokens.token(AUDIENCE, LIFE)));

        advance(75);
        assertThat(sent).isEmpty();
        advance(6);
        assertThat(sent).hasSize(1);
        RenewTokenCommand renew = (RenewTokenCommand) ControlCommandCodec.decode(sent.get(0));
        assertThat(TokenRenewal.expiryOf(renew.token())).isEqualTo(START.plus(LIFE).plusSeconds(1)
                .truncatedTo(ChronoUnit.SECONDS));

        advance(85);
        assertThat(sent).hasSize(2);
    }

    @Test
    void withoutAReadableExpiryTheRequestedLifetimeCounts() {
        channel.freezeTime();
        TokenRenewal renewal = new TokenRenewal("l1", AUDIENCE, TOKENS, LIFE, channel.eventLoop(), sent::add);
        renewal.start(null);

        advance(79);
        assertThat(sent).isEmpty();
        advance(2);
        assertThat(sent).hasSize(1);
    }

    @Test
    void aCancelledRenewalSendsNothing() {
        channel.freezeTime();
        TokenRenewal renewal = new TokenRenewal("l1", AUDIENCE, TOKENS, LIFE, channel.eventLoop(), sent::add);
        renewal.start(Instant.now().plus(LIFE));
        renewal.cancel();
        renewal.cancel();

        advance(200);
        assertThat(sent).isEmpty();
    }

    @Test
    void anExpiredTokenIsNotRenewedAndUnreadableTokensHaveNoExpiry() {
        channel.freezeTime();
        TokenRenewal renewal = new TokenRenewal("l1", AUDIENCE, TOKENS, LIFE, channel.eventLoop(), sent::add);
        renewal.start(Instant.now().minusSeconds(1));

        advance(200);
        assertThat(sent).isEmpty();
        assertThat(TokenRenewal.expiryOf("not a token")).isNull();
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }
}
