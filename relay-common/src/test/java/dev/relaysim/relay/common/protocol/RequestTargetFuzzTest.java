package dev.relaysim.relay.common.protocol;

import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of URL and query parsing: {@link RelayRequestTarget#parse(String)} returns a target whose re-encoded
 * form parses back to the same path and parameters, or throws an {@link InvalidRequestTargetException} with a
 * message naming the problem; {@link PercentCodec} round-trips any text and refuses only malformed escapes and
 * non-UTF-8 bytes; {@link EntityPaths#trimSlashes(String)} is idempotent.
 */
@Tag("fuzz")
class RequestTargetFuzzTest {

    private static final List<String> TOKENS = List.of("/", "/", "$hc", "%24hc", "hc1", "echo", "%", "%2", "%2F",
            "%2f", "%20", "%zz", "%C3%A9", "%C0%AF", "%FF", "%E2%82", "?", "&", "=", "#", " ", "+", ".", "..", "%2E",
            "sb-hc-action", "SB-HC-Action", "sb-hc-id", "sb-hc-token", "sb-hc-statusCode", "sb-hc-statusDescription",
            "sb-hc-other", "listen", "connect", "accept", "request", "statusCode", "SharedAccessSignature%20sr%3D",
            "\u00e9", "\u0000", "\u007f", "a", "1", "~");

    @Test
    void anyTargetParsesAndRoundTripsOrIsRejectedWithAClearMessage() {
        Fuzz.check(targets(), RequestTargetFuzzTest::parsesAndRoundTripsOrIsRejectedWithAClearMessage);
    }

    @Test
    void percentEncodingRoundTripsAnyText() {
        Fuzz.check(unicode(), text -> {
            String encoded = PercentCodec.encode(text);
            assertThat(encoded).matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})*");
            assertThat(PercentCodec.decode(encoded)).isEqualTo(text);
            assertThat(PercentCodec.decodeReplacing(encoded)).isEqualTo(text);
            assertThat(PercentCodec.malformedEscape(encoded)).isNull();
        });
    }

    @Test
    void percentDecodingRefusesOnlyMalformedEscapesAndBadUtf8() {
        Fuzz.check(escapes(), RequestTargetFuzzTest::decodesOrRefusesOnlyMalformedEscapesAndBadUtf8);
    }

    @Test
    void trimmingSlashesIsIdempotentAndKeepsTheMiddle() {
        Fuzz.check(targets(), path -> {
            String trimmed = EntityPaths.trimSlashes(path);
            assertThat(trimmed).doesNotStartWith("/").doesNotEndWith("/");
            assertThat(path).contains(trimmed);
            assertThat(EntityPaths.trimSlashes(trimmed)).isEqualTo(trimmed);
            assertThat(EntityPaths.trimSlashes("//" + trimmed + "/")).isEqualTo(trimmed);
        });
    }

    private static void parsesAndRoundTripsOrIsRejectedWithAClearMessage(String target) {
        RelayRequestTarget parsed;
        try {
            parsed = RelayRequestTarget.parse(target);
        } catch (InvalidRequestTargetException e) {
            // A relay parameter is named as the request spelled it (the prefix is matched ignoring case).
            assertThat(e.getMessage()).matches("(?s)(request target|path|query|(?i:sb-hc-)[A-Za-z]+|appParameters"
                    + "|relayParameters): .+");
            return;
        }
        assertThat(parsed.path()).isNotEmpty().doesNotStartWith("/").doesNotEndWith("/");
        // Everything a parsed target offers works without a further exception.
        parsed.action();
        parsed.id();
        parsed.token();
        parsed.statusCode(0);
        parsed.statusDescription(parsed.appParameters().size());
        parsed.listenerRequestTarget();

        List<String> pairs = new ArrayList<>();
        parsed.appParameters().forEach(parameter -> pairs.add(parameter.raw()));
        parsed.relayParameters().forEach(parameter -> pairs.add(parameter.raw()));
        String again = "/$hc/" + parsed.encodedPath() + (pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
        RelayRequestTarget reparsed;
        try {
            reparsed = RelayRequestTarget.parse(again);
        } catch (InvalidRequestTargetException e) {
            throw new AssertionError(again + ", re-encoded from " + target + ", is refused", e);
        }
        assertThat(reparsed.hybridConnectionPath()).isTrue();
        assertThat(reparsed.path()).isEqualTo(parsed.path());
        assertThat(reparsed.appParameters()).isEqualTo(parsed.appParameters());
        assertThat(reparsed.relayParameters()).isEqualTo(parsed.relayParameters());
    }

    private static void decodesOrRefusesOnlyMalformedEscapesAndBadUtf8(String text) {
        String malformed = PercentCodec.malformedEscape(text);
        try {
            PercentCodec.decodeReplacing(text);
            assertThat(malformed).isNull();
        } catch (IllegalArgumentException e) {
            assertThat(malformed).isNotNull();
            assertThat(e.getMessage()).isEqualTo(malformed).startsWith("malformed percent-escape '");
        }
        try {
            String decoded = PercentCodec.decode(text);
            assertThat(PercentCodec.decode(PercentCodec.encode(decoded))).isEqualTo(decoded);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).satisfiesAnyOf(
                    message -> assertThat(message).startsWith("malformed percent-escape '"),
                    message -> assertThat(message).endsWith(" does not decode to UTF-8 text"));
        }
    }

    private static Gen<String> targets() {
        Gen<String> fromTokens = Gen.concat(TOKENS, 24);
        Gen<String> valid = Gen.elements("/$hc/echo?sb-hc-action=listen&sb-hc-id=1",
                "/$hc/echo/sfx?app=1&sb-hc-action=connect&sb-hc-token=SharedAccessSignature%20sr%3Dx",
                "/echo/a%20b?q=1&&x", "/$hc/hc1?sb-hc-action=accept&sb-hc-id=abc_G1&statusCode=404");
        return Gen.oneOf(fromTokens.map(text -> "/" + text), fromTokens, Gen.strings(0, 80),
                Mutations.of(valid, TOKENS));
    }

    private static Gen<String> unicode() {
        return Gen.strings(0, 60).map(s -> {
            StringBuilder out = new StringBuilder(s.length());
            s.chars().forEach(c -> out.append(Character.isSurrogate((char) c) ? '?' : (char) c));
            return out.toString();
        });
    }

    private static Gen<String> escapes() {
        return Gen.oneOf(
                Gen.concat(List.of("%", "%2", "%2F", "%e9", "%C3", "%A9", "%C3%A9", "%F0%9F%98%80", "%ED%A0%80", "%G0",
                        "a", "+", "\u00e9"), 12),
                // Well-formed text: a lone surrogate cannot be encoded, so what decodes to one cannot round-trip
                // (and a request target read from bytes never holds one).
                Gen.text(0, 40));
    }
}
