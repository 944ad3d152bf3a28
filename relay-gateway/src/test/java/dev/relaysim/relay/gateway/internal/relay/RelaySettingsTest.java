package dev.relaysim.relay.gateway.internal.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

@Timeout(5)
class RelaySettingsTest {

    @Test
    void refusesNonPositiveSizesAndTimeouts() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RelaySettings(0, 1, Duration.ofSeconds(1)))
                .withMessage("fragmentSize: 0 (expected: > 0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RelaySettings(1, -1, Duration.ofSeconds(1)))
                .withMessage("maxMessageSize: -1 (expected: > 0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RelaySettings(1, 1, Duration.ZERO))
                .withMessage("closeHandshakeTimeout: PT0S (expected: > 0)");
        assertThatNullPointerException()
                .isThrownBy(() -> new RelaySettings(1, 1, null))
                .withMessage("closeHandshakeTimeout");
    }
}
