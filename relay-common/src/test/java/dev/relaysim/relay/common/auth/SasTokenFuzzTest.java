package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.testing.FuzzReport;
import dev.relaysim.relay.common.testing.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the SAS token parser and verifier: a token made with a key parses back to what was signed and
 * verifies with that key only; a changed token is refused with a {@link SasTokenException} naming the field or, if
 * it still parses, verifies only when what the signature covers (sr, se and the signature bytes) is unchanged;
 * arbitrary text parses or is refused cleanly, and nothing else is thrown.
 */
@Tag("fuzz")
@AddLifecycleHook(FuzzReport.class)
class SasTokenFuzzTest {

    private static final List<String> TOKENS = List.of("SharedAccessSignature ", "sharedaccesssignature+", "&",
            "=", "sr=", "sig=", "se=", "skn=", "%", "%2", "%3D", "%2B", "%2b", "%2F", "%C3%A9", "%FF", "%zz", "+", " ",
            "0", "99999999999999999", "-1", "==", "http%3A%2F%2Fns%2Fhc%2F", "\u00e9", "&&", "x=y");
    private static final String KEY = "ONBFpT4vSpJEYNd4Pv71WrvO5l3Nxi0ZAUTsiN5gnPM=";

    @Property
    void tokensMadeWithAKeyParseBackAndVerifyWithThatKeyOnly(@ForAll("resources") String resourceUri,
                                                              @ForAll("keyNames") String keyName,
                                                              @ForAll("keys") String key,
                                                              @ForAll("expiries") Instant expiresAt) throws Exception {
        SasToken token = SasToken.parse(SharedAccessSignature.createToken(resourceUri, keyName, key, expiresAt));
        assertThat(token.decodedResource()).isEqualTo(resourceUri);
        assertThat(token.keyName()).isEqualTo(keyName);
        assertThat(token.expiresAt()).isEqualTo(expiresAt);
        assertThat(SharedAccessSignature.verify(token, key)).isTrue();
        assertThat(SharedAccessSignature.verify(token, key + "x")).isFalse();
        assertThat(token.toString()).doesNotContain(token.signature());
    }

    @Property
    void changedTokensAreRefusedOrDoNotVerify(@ForAll("changedTokens") List<String> originalAndChanged)
            throws SasTokenException {
        SasToken original = SasToken.parse(originalAndChanged.get(0));
        String text = originalAndChanged.get(1);
        SasToken token;
        try {
            token = SasToken.parse(text);
        } catch (SasTokenException e) {
            assertThat(e.getMessage()).startsWith("SAS token: ").hasSizeGreaterThan("SAS token: ".length());
            return;
        }
        if (SharedAccessSignature.verify(token, KEY)) {
            assertThat(token.resource()).as("sr of verified %s", text).isEqualTo(original.resource());
            assertThat(token.expiry()).as("se of verified %s", text).isEqualTo(original.expiry());
            assertThat(token.signature()).as("sig of verified %s", text).isIn(original.signature(),
                    original.signature().replace("=", ""));
        }
    }

    @Property
    void anyTextParsesOrIsRefusedWithTheFieldNamed(@ForAll("text") String text) {
        SasToken token;
        try {
            token = SasToken.parse(text);
        } catch (SasTokenException e) {
            assertThat(e.getMessage()).startsWith("SAS token: ").hasSizeGreaterThan("SAS token: ".length());
            return;
        }
        // Whatever parsed can be used without a further exception.
        assertThat(token.expiresAt()).isNotNull();
        SasAudience.covers(token.decodedResource(), List.of("ns.servicebus.windows.net", "[::1]"), "hc1/x");
        assertThat(SharedAccessSignature.verify(token, KEY)).isFalse();
        assertThat(Base64.getDecoder().decode(token.signature())).isNotNull();
    }

    /** A token made with {@link #KEY} and, second, that token with 1-4 edits. */
    @Provide
    Arbitrary<List<String>> changedTokens() {
        Arbitrary<String> made = Combinators.combine(resources(), keyNames(), expiries())
                .as((resource, keyName, expiry) -> SharedAccessSignature.createToken(resource, keyName, KEY, expiry));
        return Combinators.combine(made, Arbitraries.longs())
                .as((token, seed) -> List.of(token, Mutations.mutate(new Random(seed), token, TOKENS)));
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(120),
                Arbitraries.of(TOKENS).list().ofMaxSize(20).map(parts -> String.join("", parts)),
                Combinators.combine(Arbitraries.of(TOKENS), Arbitraries.strings().withChars("sigrekn=&%+/0123456789ABC")
                        .ofMaxLength(60)).as((prefix, rest) -> prefix + rest));
    }

    @Provide
    Arbitrary<String> resources() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(60)
                        .map(SasTokenFuzzTest::withoutSurrogates),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                        .map(entity -> "http://ns.servicebus.windows.net/" + entity + "/"));
    }

    @Provide
    Arbitrary<String> keyNames() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(SasToken.MAX_KEY_NAME_LENGTH)
                .map(SasTokenFuzzTest::withoutSurrogates);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(100);
    }

    @Provide
    Arbitrary<Instant> expiries() {
        return Arbitraries.longs().between(0, Instant.MAX.getEpochSecond()).map(Instant::ofEpochSecond);
    }

    /** Text that UTF-8 can carry: unpaired surrogates become '?' on encoding and could not round-trip. */
    private static String withoutSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(Character.isSurrogate((char) c) ? 'x' : (char) c));
        return out.toString();
    }
}
