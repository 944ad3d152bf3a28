package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.cli.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PortRange} and the duration syntax. */
class ConfigValuesTest {

    @Test
    void portRangeParsesARangeOrOnePort() {
        PortRange range = PortRange.parse("9400-9599");

        assertThat(range).isEqualTo(new PortRange(9400, 9599));
        assertThat(range.size()).isEqualTo(200);
        assertThat(range.port(0)).isEqualTo(9400);
        assertThat(range.port(199)).isEqualTo(9599);
        assertThat(range).hasToString("9400-9599");
        assertThat(PortRange.parse(" 9400 - 9401 ")).isEqualTo(new PortRange(9400, 9401));
        PortRange single = PortRange.parse("65535");
        assertThat(single.size()).isEqualTo(1);
        assertThat(single).hasToString("65535");
        assertThat(PortRange.parse(single.toString())).isEqualTo(single);
    }

    @Test
    void portOutsideTheRangeIsRefused() {
        PortRange range = new PortRange(9400, 9401);

        assertThatThrownBy(() -> range.port(2))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("instance: 2 (expected: 0-1)");
        assertThatThrownBy(() -> range.port(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            0-5          | 0-5 (expected: ports in 1-65535)
            65000-65536  | 65000-65536 (expected: ports in 1-65535)
            10-9         | 10-9 (expected: first <= last)
            1-201        | 1-201 (expected: at most 200 ports, this range has 201)
            -5           | "-5" (expected: a port range such as 9400-9599, or one port)
            9400-        | "9400-" (expected: a port range such as 9400-9599, or one port)
            1-2-3        | "1-2-3" (expected: a port range such as 9400-9599, or one port)
            123456       | "123456" (expected: a port range such as 9400-9599, or one port)
            """)
    void invalidPortRangesAreRefused(String text, String message) {
        assertThatThrownBy(() -> PortRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void portRangeAcceptsExactlyTwoHundredPorts() {
        assertThat(new PortRange(65336, 65535).size()).isEqualTo(PortRange.MAX_PORTS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            30s    | PT30S
            500ms  | PT0.5S
            5m     | PT5M
            1h     | PT1H
            PT30S  | PT30S
            pt1m5s | PT1M5S
            ' 10 s'| PT10S
            0s     | PT0S
            PT-1S  | PT-1S
            """)
    void durationsParseBothForms(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "1.5s", "-1s", "5d", "P", "PTXS", "s"})
    void durationsRefuseOtherText(String text) {
        assertThat(Durations.parse(text)).isNull();
    }

    @Test
    void durationsFormatShortWhenTheyCan() {
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("PT0.000000001S");
        assertThat(Durations.format(Duration.ofSeconds(-1))).isEqualTo("PT-1S");
    }
}
