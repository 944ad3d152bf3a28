package dev.relaysim.relay.common.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PercentCodecTest {

    @Test
    void encodesEverythingButUnreservedWithUpperCaseHex() {
        assertThat(PercentCodec.encode("http://contoso.servicebus.windows.net/hyco/"))
                .isEqualTo("http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhyco%2F");
        assertThat(PercentCodec.encode("a b+c~d-e_f.g")).isEqualTo("a%20b%2Bc~d-e_f.g");
        assertThat(PercentCodec.encode("ø/=&")).isEqualTo("%C3%B8%2F%3D%26");
    }

    @Test
    void decodesEitherCaseAndLeavesPlusAlone() {
        assertThat(PercentCodec.decode("a+b%20c%2b%2B")).isEqualTo("a+b c++");
        assertThat(PercentCodec.decode("%c3%B8")).isEqualTo("ø");
        assertThat(PercentCodec.decode("no escapes")).isEqualTo("no escapes");
        assertThat(PercentCodec.decode("")).isEmpty();
    }

    @Test
    void decodesAsciiEscapesNonAsciiBytesAndNonAsciiTextAlike() {
        assertThat(PercentCodec.decode("sr=http%3A%2F%2Fx%2Fy%2F&sig=a%2Bb%3D")).isEqualTo("sr=http://x/y/&sig=a+b=");
        assertThat(PercentCodec.decode("caf%C3%A9%20%E4%B8%AD")).isEqualTo("café 中");
        assertThat(PercentCodec.decode("café%20%E4%B8%AD")).as("text beyond ASCII stands for its UTF-8 bytes")
                .isEqualTo("café 中");
        assertThat(PercentCodec.decode("%F0%9F%98%80!")).isEqualTo("\uD83D\uDE00!");
        assertThat(PercentCodec.decodeReplacing("é%FF%41")).isEqualTo("é\uFFFDA");
        assertThatThrownBy(() -> PercentCodec.decode("é%4")).hasMessageStartingWith("malformed percent-escape '%4'");
        assertThatThrownBy(() -> PercentCodec.decode("a%41%C3")).hasMessage("'a%41%C3' does not decode to UTF-8 text");
    }

    @Test
    void roundTripsArbitraryText() {
        String text = "SharedAccessSignature sr=http://x/y&sig=ab+/=&se=1 \u00e9\u4e2d\uD83D\uDE00";
        assertThat(PercentCodec.decode(PercentCodec.encode(text))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "a%zz", "%G0", "abc%2", "%%41"})
    void refusesMalformedEscapes(String input) {
        assertThatThrownBy(() -> PercentCodec.decode(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed percent-escape")
                .hasMessageContaining("expected: '%' followed by two hex digits");
        assertThatThrownBy(() -> PercentCodec.decodeReplacing(input)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PercentCodec.malformedEscape(input)).isNotNull();
    }

    @Test
    void namesTheEscapeAndItsIndex() {
        assertThat(PercentCodec.malformedEscape("ab%2x"))
                .startsWith("malformed percent-escape '%2x' at index 2 in 'ab%2x'");
        assertThat(PercentCodec.malformedEscape("ab%2F")).isNull();
    }

    @Test
    void strictDecodingRefusesBytesThatAreNotUtf8() {
        assertThatThrownBy(() -> PercentCodec.decode("%FF%FE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'%FF%FE' does not decode to UTF-8 text");
        assertThat(PercentCodec.decodeReplacing("a%FFb")).isEqualTo("a\uFFFDb");
    }

    @Test
    void shortensLongValuesInMessages() {
        String longText = "x".repeat(500) + "%";
        assertThat(PercentCodec.malformedEscape(longText)).hasSizeLessThan(250).contains("(501 characters)");
    }
}
