package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the SAS token parser and verifier: a token made with a key parses back to what was signed and
 * verifies with that key only; a changed token is refused with a {@link SasTokenException} naming the field or, if
 * it still parses, verifies only when what the signature covers (sr, se and the signature bytes) is unchanged;
 * arbitrary text parses or is refused cleanly, and nothing else is thrown.
 */
@Tag("fuzz")
class SasTokenFuzzTest {

    private static final List<String> TOKENS = List.of("SharedAccessSignature ", "sharedaccesssignature+", "&",
            "=", "sr=", "sig=", "se=", "skn=", "%", "%2", "%3D", "%2B", "%2b", "%2F", "%C3%A9", "%FF", "%zz", "+", " ",
            "0", "99999999999999999", "-1", "==", "http%3A%2F%2Fns%2Fhc%2F", "\u00e9", "&&", "x=y");
    private static final String KEY = "ONBFpT4vSpJEYNd4Pv71WrvO5l3Nxi0ZAUTsiN5gnPM=";

    @Test
    void tokensMadeWithAKeyParseBackAndVerifyWithThatKeyOnly() {
        Gen<String> resources = resources();
        Gen<String> keyNames = keyNames();
        Gen<String> keys = Gen.strings(1, 100);
        Gen<Instant> expiries = expiries();
        Fuzz.check(random -> new Signed(resources.next(random), keyNames.next(random), keys.next(random),
                expiries.next(random)), signed -> {
            SasToken token = SasToken.parse(SharedAccessSignature.createToken(signed.resourceUri(), signed.keyName(),
                    signed.key(), signed.expiresAt()));
            assertThat(token.decodedResource()).isEqualTo(signed.resourceUri());
            assertThat(token.keyName()).isEqualTo(signed.keyName());
            assertThat(token.expiresAt()).isEqualTo(signed.expiresAt());
            assertThat(SharedAccessSignature.verify(token, signed.key())).isTrue();
            assertThat(SharedAccessSignature.verify(token, signed.key() + "x")).isFalse();
            assertThat(token.toString()).doesNotContain(token.signature());
        });
    }

    @Test
    void changedTokensAreRefusedOrDoNotVerify() {
        Fuzz.check(changedTokens(), originalAndChanged -> {
            SasToken original = SasToken.parse(originalAndChanged.get(0));
            String text = originalAndChanged.get(1);
            SasToken token = parsedOrRefusedWithTheFieldNamed(text);
            if (token != null && SharedAccessSignature.verify(token, KEY)) {
                assertThat(token.resource()).as("sr of verified %s", text).isEqualTo(original.resource());
                assertThat(token.expiry()).as("se of verified %s", text).isEqualTo(original.expiry());
                assertThat(token.signature()).as("sig of verified %s", text).isIn(original.signature(),
                        original.signature().replace("=", ""));
            }
        });
    }

    @Test
    void anyTextParsesOrIsRefusedWithTheFieldNamed() {
        Fuzz.check(text(), SasTokenFuzzTest::parsesOrIsRefusedWithTheFieldNamed);
    }

    /** The token {@code text} parses to, or null when it is refused with a message naming the field. */
    private static SasToken parsedOrRefusedWithTheFieldNamed(String text) {
        try {
            return SasToken.parse(text);
        } catch (SasTokenException e) {
            assertThat(e.getMessage()).startsWith("SAS token: ").hasSizeGreaterThan("SAS token: ".length());
            return null;
        }
    }

    private static void parsesOrIsRefusedWithTheFieldNamed(String text) {
        SasToken token = parsedOrRefusedWithTheFieldNamed(text);
        if (token == null) {
            return;
        }
        // Whatever parsed can be used without a further exception.
        assertThat(token.expiresAt()).isNotNull();
        SasAudience.covers(token.decodedResource(), List.of("ns.servicebus.windows.net", "[::1]"), "hc1/x");
        assertThat(SharedAccessSignature.verify(token, KEY)).isFalse();
        assertThat(Base64.getDecoder().decode(token.signature())).isNotNull();
    }

    /** What a token is made of. */
    private record Signed(String resourceUri, String keyName, String key, Instant expiresAt) {
    }

    /** A token made with {@link #KEY} and, second, that token with 1-4 edits. */
    private static Gen<List<String>> changedTokens() {
        Gen<String> resources = resources();
        Gen<String> keyNames = keyNames();
        Gen<Instant> expiries = expiries();
        return random -> {
            String token = SharedAccessSignature.createToken(resources.next(random), keyNames.next(random), KEY,
                    expiries.next(random));
            return List.of(token, Mutations.mutate(random, token, TOKENS));
        };
    }

    private static Gen<String> text() {
        Gen<String> prefix = Gen.elements(TOKENS);
        Gen<String> rest = Gen.strings("sigrekn=&%+/0123456789ABC", 0, 60);
        return Gen.oneOf(Gen.strings(0, 120), Gen.concat(TOKENS, 20),
                random -> prefix.next(random) + rest.next(random));
    }

    private static Gen<String> resources() {
        return Gen.oneOf(Gen.strings(1, 60).map(SasTokenFuzzTest::withoutSurrogates),
                Gen.strings(Gen.ALPHA, 1, 12).map(entity -> "http://ns.servicebus.windows.net/" + entity + "/"));
    }

    private static Gen<String> keyNames() {
        return Gen.strings(1, SasToken.MAX_KEY_NAME_LENGTH).map(SasTokenFuzzTest::withoutSurrogates);
    }

    private static Gen<Instant> expiries() {
        return Gen.longs(0, Instant.MAX.getEpochSecond()).map(Instant::ofEpochSecond);
    }

    /** Text that UTF-8 can carry: unpaired surrogates become '?' on encoding and could not round-trip. */
    private static String withoutSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(Character.isSurrogate((char) c) ? 'x' : (char) c));
        return out.toString();
    }
}
