package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayHandshakeException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private static final Throwable REFUSED_401 =
            new RelayHandshakeException(401, "Unauthorized", "Ip has been prevented to connect to the endpoint.");
    private static final Throwable NOT_UP = new ConnectException("Connection refused");
    /** What a gateway cluster answers a listener it could not register in time (partitions moving). */
    private static final Throwable BUSY_503 = new RelayHandshakeException(503, "Service Unavailable",
            "Server busy: the gateway cluster did not count the listener in time. Retry the operation.");

    @Test
    void theSdkDefaultStopsAtTheFirstAttemptAndAtRefusals() {
        RetryPolicy sdk = RetryPolicy.parse("sdk");
        assertThat(sdk).isEqualTo(RetryPolicy.SDK_DEFAULT);
        assertThat(sdk.retries(NOT_UP, true, 1)).isFalse();
        assertThat(sdk.retries(REFUSED_401, false, 1)).isFalse();
        assertThat(sdk.retries(NOT_UP, false, 100)).isTrue();
        assertThat(sdk.retries(BUSY_503, false, 1)).as("a busy cluster is no refusal: reconnect").isTrue();
    }

    @Test
    void foreverAndAttemptsRetryEverythingUpToTheirLimit() {
        assertThat(RetryPolicy.parse("forever").retries(REFUSED_401, true, 1000)).isTrue();
        RetryPolicy three = RetryPolicy.parse(" 3 ");
        assertThat(three.retries(REFUSED_401, true, 2)).isTrue();
        assertThat(three.retries(NOT_UP, false, 3)).isFalse();
    }

    @Test
    void reconnectsWaitAsTheSdksDoAndRepeatTheLastDelay() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 100).stream().map(RetryPolicy::backoff).map(Duration::toSeconds))
                .containsExactly(0L, 1L, 2L, 5L, 10L, 30L, 30L, 30L);
    }

    @Test
    void aBadPolicyNamesTheOptionAndWhatItTakes() {
        for (String bad : new String[] {"0", "always", "-1"}) {
            assertThatThrownBy(() -> RetryPolicy.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--retry: \"" + bad + "\" (expected: forever, a number of attempts >= 1, or sdk)");
        }
    }
}
