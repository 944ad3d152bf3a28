package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SasTokenTest {

    private static final String SR = "http%3A%2F%2Fcontoso.servicebus.windows.net%2Fhyco%2F";
    private static final String SIG = "mSoSH5czGJ7AO2lP9eS%2F%2B%2B%2B%2FDEnEWfqQiEWm%2Bmmh8yQ%3D";
    private static final String DECODED_SIG = "mSoSH5czGJ7AO2lP9eS/+++/DEnEWfqQiEWm+mmh8yQ=";

    @Test
    void parsesTheDocumentedToken() throws Exception {
        SasToken token = SasToken.parse("SharedAccessSignature sr=" + SR + "&sig=" + SIG + "&se=1700000000&skn=Root");

        assertThat(token.resource()).isEqualTo(SR);
        assertThat(token.signature()).isEqualTo(DECODED_SIG);
        assertThat(token.expiry()).isEqualTo("1700000000");
        assertThat(token.keyName()).isEqualTo("Root");
        assertThat(token.decodedResource()).isEqualTo("http://contoso.servicebus.windows.net/hyco/");
        assertThat(token.expiresAt()).isEqualTo(Instant.parse("2023-11-14T22:13:20Z"));
        assertThat(token.stringToSign()).isEqualTo(SR + "\n1700000000");
        assertThat(SharedAccessSignature.verify(token, "SECRETKEY")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SharedAccessSignature sig=%1$s&se=1700000000&skn=Root&sr=%2$s",
            "sharedaccesssignature skn=Root&se=1700000000&sr=%2$s&sig=%1$s",
            "  SHAREDACCESSSIGNATURE   se=1700000000&sig=%1$s&sr=%2$s&skn=Root  ",
            "sig=%1$s&sr=%2$s&se=1700000000&skn=Root",
            "SharedAccessSignature sig=%1$s&sr=%2$s&&se=1700000000&skn=Root&extra=ignored&",
            "SharedAccessSignature+sig=%1$s&sr=%2$s&se=1700000000&skn=Root",
    })
    void fieldOrderCaseOfTheSchemeAndExtrasDoNotMatter(String format) throws Exception {
        SasToken token = SasToken.parse(String.format(format, SIG, SR));
        assertThat(token.resource()).isEqualTo(SR);
        assertThat(token.signature()).isEqualTo(DECODED_SIG);
        assertThat(SharedAccessSignature.verify(token, "SECRETKEY")).isTrue();
    }

    @Test
    void plusInTheSignatureIsNotASpace() throws Exception {
        // Encoders that leave '+' alone (or Python's quote with '/' raw) must still verify.
        SasToken token =
                SasToken.parse("SharedAccessSignature sr=" + SR + "&sig=" + DECODED_SIG + "&se=1700000000&skn=Root");
        assertThat(token.signature()).isEqualTo(DECODED_SIG);
        assertThat(SharedAccessSignature.verify(token, "SECRETKEY")).isTrue();
    }

    @Test
    void lowerCaseHexIsDecoded() throws Exception {
        String lowerCaseSig = "mSoSH5czGJ7AO2lP9eS%2f%2b%2b%2b%2fDEnEWfqQiEWm%2bmmh8yQ%3d";
        SasToken token = SasToken.parse("SharedAccessSignature sr=" + SR.toLowerCase() + "&sig=" + lowerCaseSig
                + "&se=1700000000&skn=Root");
        assertThat(token.signature()).isEqualTo(DECODED_SIG);
        assertThat(token.decodedResource()).isEqualTo("http://contoso.servicebus.windows.net/hyco/");
    }

    @Test
    void keyNameIsPercentDecodedAndUpTo256Characters() throws Exception {
        assertThat(SasToken.parse("sr=a&sig=AA%3D%3D&se=1&skn=my%20key+name").keyName()).isEqualTo("my key+name");
        assertThat(SasToken.parse("sr=a&sig=AA==&se=1&skn=" + "k".repeat(256)).keyName()).hasSize(256);
        assertThatThrownBy(() -> SasToken.parse("sr=a&sig=AA==&se=1&skn=" + "k".repeat(257)))
                .isInstanceOf(SasTokenException.class)
                .hasMessage("SAS token: skn: 257 characters (expected: 1-256)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                       | SAS token: empty (expected: sr=..&sig=..&se=..&skn=..)",
            "SharedAccessSignature                    | SAS token: empty",
            "'  SharedAccessSignature   '             | SAS token: empty",
            "sig=AA==&se=1&skn=k                      | SAS token: missing sr (expected: sr=..&sig=..&se=..&skn=..)",
            "sr=a&se=1&skn=k                          | SAS token: missing sig",
            "sr=a&sig=AA==&skn=k                      | SAS token: missing se",
            "sr=a&sig=AA==&se=1                       | SAS token: missing skn",
            "sr=a&sig=AA==&se=1&skn=k&sr=b            | SAS token: sr given more than once",
            "sr=a&sig=AA==&se=1&skn                   | SAS token: field 'skn' has no '=' (expected: name=value)",
            "sr=a&sig=AA==&se=soon&skn=k              | SAS token: se: 'soon' (expected: seconds since "
                    + "1970-01-01T00:00:00Z)",
            "sr=a&sig=AA==&se=-1&skn=k                | SAS token: se: '-1' (expected",
            "sr=a&sig=AA==&se=1.5&skn=k               | SAS token: se: '1.5' (expected",
            "sr=a&sig=AA==&se=&skn=k                  | SAS token: se: '' (expected",
            "sr=a&sig=AA==&se=99999999999999999&skn=k | SAS token: se: '99999999999999999' (expected",
            "sr=a&sig=AA==&se=123456789012345678901&skn=k | SAS token: se: '123456789012345678901' (expected",
            "sr=&sig=AA==&se=1&skn=k                  | SAS token: sr: empty (expected: the percent-encoded resource "
                    + "URI)",
            "sr=http%3&sig=AA==&se=1&skn=k            | SAS token: sr: malformed percent-escape '%3' at index 4 in "
                    + "'http%3'",
            "sr=a&sig=&se=1&skn=k                     | SAS token: sig: empty (expected: base64 of an HMAC-SHA256)",
            "sr=a&sig=AA%ZZ&se=1&skn=k                | SAS token: sig: malformed percent-escape '%ZZ'",
            "sr=a&sig=not*base64&se=1&skn=k           | SAS token: sig: 'not*base64' is not base64",
            "sr=a&sig=AA==&se=1&skn=                  | SAS token: skn: 0 characters (expected: 1-256)",
            "sr=a&sig=AA==&se=1&skn=%FF               | SAS token: skn: '%FF' does not decode to UTF-8 text",
            "SharedAccessSignatureToken@1b6d3586      | SAS token: field 'SharedAccessSignatureToken@1b6d3586' has "
                    + "no '='",
    })
    void refusesWithAMessageNamingTheField(String text, String message) {
        assertThatThrownBy(() -> SasToken.parse(text))
                .isInstanceOf(SasTokenException.class)
                .hasMessageStartingWith(message);
    }

    /** Random mutations of a valid token: parse either succeeds or throws SasTokenException. */
    @Test
    void noOtherExceptionEscapesForAnyInput() {
        String seed = "SharedAccessSignature sr=" + SR + "&sig=" + SIG + "&se=1700000000&skn=Root";
        String alphabet = "&=%+ 0123456789ABCDEFsrigekn\u00e9";
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            String text = Mutations.editWithin(random, seed, alphabet);
            try {
                SasToken token = SasToken.parse(text);
                token.decodedResource();
                token.expiresAt();
                SharedAccessSignature.verify(token, "SECRETKEY");
            } catch (SasTokenException expected) {
                assertThat(expected.getMessage()).startsWith("SAS token: ");
            } catch (RuntimeException e) {
                throw new AssertionError("parse(" + text + ") threw " + e, e);
            }
        }
    }

    @Test
    void toStringHidesTheSignature() throws Exception {
        SasToken token = SasToken.parse("sr=" + SR + "&sig=" + SIG + "&se=1700000000&skn=Root");
        assertThat(token.toString()).doesNotContain("mSoSH5").contains(SR, "1700000000", "Root");
    }

    @Test
    void constructorChecksFields() {
        assertThatThrownBy(() -> new SasToken("a", "AA==", "x", "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("se: 'x'");
        assertThatThrownBy(() -> new SasToken(null, "AA==", "1", "k")).isInstanceOf(NullPointerException.class)
                .hasMessage("resource");
        assertThat(new SasToken("a", "AA==", "0", "k").expiresAt()).isEqualTo(Instant.EPOCH);
    }
}
