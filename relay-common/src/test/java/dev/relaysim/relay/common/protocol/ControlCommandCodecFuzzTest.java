package dev.relaysim.relay.common.protocol;

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

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the control-message parser: whatever the text, {@link ControlCommandCodec#decode(String)} returns a
 * command that survives another encode and decode unchanged, or throws a {@link ControlCommandException} whose
 * message names the command or field; every valid command round-trips.
 */
@Tag("fuzz")
@AddLifecycleHook(FuzzReport.class)
class ControlCommandCodecFuzzTest {

    private static final List<String> NAMES = List.of("accept", "request", "response", "renewToken", "address", "id",
            "connectHeaders", "remoteEndpoint", "port", "requestTarget", "method", "requestHeaders", "body",
            "requestId", "statusCode", "statusDescription", "responseHeaders", "token", "other", "");
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "null", "true", "false",
            "0", "-1", "200", "\"200\"", "1e400", "99999999999", "65536", "{}", "[]", "\\u0000", "\\ud800", "\"a\":",
            "\"accept\":", "\"request\":", "\"response\":", "\"renewToken\":", "\"statusCode\":", "\"method\":",
            "\"port\":", "/*", "\u00e9", "\ud83d\ude00");

    @Property
    void validCommandsRoundTrip(@ForAll("commands") ControlCommand command) throws ControlCommandException {
        assertThat(ControlCommandCodec.decode(ControlCommandCodec.encode(command))).isEqualTo(command);
    }

    @Property
    void anyTextDecodesOrIsRejectedWithAClearMessage(@ForAll("text") String text) {
        decodesOrRejectsCleanly(text);
    }

    @Property
    void mutatedCommandsDecodeOrAreRejectedWithAClearMessage(@ForAll("mutatedCommands") String text) {
        decodesOrRejectsCleanly(text);
    }

    @Property
    void jsonOfTheCommandVocabularyDecodesOrIsRejectedWithAClearMessage(@ForAll("vocabularyJson") String text) {
        decodesOrRejectsCleanly(text);
    }

    /** The property of every parser input: a command that round-trips, or a clear {@link ControlCommandException}. */
    private static void decodesOrRejectsCleanly(String text) {
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(text);
        } catch (ControlCommandException e) {
            assertThat(e.getMessage()).matches("(?s)(control command|accept|request|response|renewToken)(\\..*)?: .+");
            return;
        }
        try {
            assertThat(ControlCommandCodec.decode(ControlCommandCodec.encode(command))).isEqualTo(command);
        } catch (ControlCommandException e) {
            throw new AssertionError("the encoding of " + command + " decoded from " + text + " is refused", e);
        }
    }

    @Provide
    Arbitrary<ControlCommand> commands() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<Map<String, String>> headers = Arbitraries.maps(text, text).ofMaxSize(4);
        Arbitrary<RemoteEndpoint> endpoint = Combinators.combine(text, Arbitraries.integers().between(0, 65535))
                .as(RemoteEndpoint::new).injectNull(0.3);
        Arbitrary<ControlCommand> accept = Combinators.combine(text, text, headers, endpoint).as(AcceptCommand::new);
        Arbitrary<ControlCommand> request = Combinators.combine(text, text, text, text, endpoint, headers,
                Arbitraries.of(true, false)).as(RequestCommand::new);
        Arbitrary<ControlCommand> addressOnly = Combinators.combine(text, text).as(RequestCommand::addressOnly);
        Arbitrary<ControlCommand> response = Combinators.combine(text, Arbitraries.integers().between(100, 999),
                text.injectNull(0.3), headers, Arbitraries.of(true, false)).as(ResponseCommand::new);
        Arbitrary<ControlCommand> renewToken = text.map(RenewTokenCommand::new);
        return Arbitraries.oneOf(accept, request, addressOnly, response, renewToken);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of(TOKENS).list().ofMaxSize(30).map(parts -> String.join("", parts)));
    }

    @Provide
    Arbitrary<String> mutatedCommands() {
        return Mutations.of(commands().map(ControlCommandCodec::encode), TOKENS);
    }

    @Provide
    Arbitrary<String> vocabularyJson() {
        return Arbitraries.randomValue(random -> {
            StringBuilder out = new StringBuilder();
            object(random, out, 3);
            return out.toString();
        });
    }

    /** A JSON object whose keys are mostly the protocol's field names, with values of every JSON type. */
    private static void object(Random random, StringBuilder out, int depth) {
        out.append('{');
        for (int i = random.nextInt(random.nextInt(8) == 0 ? 6 : 3); i > 0; i--) {
            out.append('"').append(NAMES.get(random.nextInt(NAMES.size()))).append("\":");
            value(random, out, depth - 1);
            if (i > 1) {
                out.append(',');
            }
        }
        out.append('}');
    }

    private static void value(Random random, StringBuilder out, int depth) {
        switch (random.nextInt(depth > 0 ? 9 : 6)) {
            case 0 -> out.append("null");
            case 1 -> out.append(random.nextBoolean());
            case 2 -> out.append(List.of("0", "-1", "100", "999", "1000", "65535", "65536", "2147483648", "1.5",
                    "1e3", "-0").get(random.nextInt(11)));
            case 3 -> out.append('"').append(List.of("", "200", "0200", "abc", "\\u0000", "GET", "x\\\"y",
                    "1234567890").get(random.nextInt(8))).append('"');
            case 4 -> out.append("[]");
            case 5 -> out.append("\"").append(random.nextInt(1000)).append('"');
            case 6 -> {
                out.append('[');
                value(random, out, depth - 1);
                out.append(']');
            }
            default -> object(random, out, depth);
        }
    }
}
