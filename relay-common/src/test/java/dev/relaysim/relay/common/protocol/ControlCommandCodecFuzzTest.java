package dev.relaysim.relay.common.protocol;

import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
class ControlCommandCodecFuzzTest {

    private static final List<String> NAMES = List.of("accept", "request", "response", "renewToken", "address", "id",
            "connectHeaders", "remoteEndpoint", "port", "requestTarget", "method", "requestHeaders", "body",
            "requestId", "statusCode", "statusDescription", "responseHeaders", "token", "other", "");
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "null", "true", "false",
            "0", "-1", "200", "\"200\"", "1e400", "99999999999", "65536", "{}", "[]", "\\u0000", "\\ud800", "\"a\":",
            "\"accept\":", "\"request\":", "\"response\":", "\"renewToken\":", "\"statusCode\":", "\"method\":",
            "\"port\":", "/*", "\u00e9", "\ud83d\ude00");

    @Test
    void validCommandsRoundTrip() {
        Fuzz.check(commands(), command ->
                assertThat(ControlCommandCodec.decode(ControlCommandCodec.encode(command))).isEqualTo(command));
    }

    @Test
    void anyTextDecodesOrIsRejectedWithAClearMessage() {
        Fuzz.check(text(), ControlCommandCodecFuzzTest::decodesOrRejectsCleanly);
    }

    @Test
    void mutatedCommandsDecodeOrAreRejectedWithAClearMessage() {
        Fuzz.check(Mutations.of(commands().map(ControlCommandCodec::encode), TOKENS),
                ControlCommandCodecFuzzTest::decodesOrRejectsCleanly);
    }

    @Test
    void jsonOfTheCommandVocabularyDecodesOrIsRejectedWithAClearMessage() {
        Fuzz.check(random -> {
            StringBuilder out = new StringBuilder();
            object(random, out, 3);
            return out.toString();
        }, ControlCommandCodecFuzzTest::decodesOrRejectsCleanly);
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

    private static Gen<ControlCommand> commands() {
        Gen<String> text = Gen.strings(0, 40);
        Gen<Map<String, String>> headers = Gen.maps(text, text, 4);
        Gen<Integer> port = Gen.ints(0, 65535);
        Gen<RemoteEndpoint> anyEndpoint = random -> new RemoteEndpoint(text.next(random), port.next(random));
        Gen<RemoteEndpoint> endpoint = anyEndpoint.orNull(0.3);
        Gen<Integer> status = Gen.ints(100, 999);
        Gen<String> description = text.orNull(0.3);
        return Gen.oneOf(
                random -> new AcceptCommand(text.next(random), text.next(random), headers.next(random),
                        endpoint.next(random)),
                random -> new RequestCommand(text.next(random), text.next(random), text.next(random),
                        text.next(random), endpoint.next(random), headers.next(random), random.nextBoolean()),
                random -> RequestCommand.addressOnly(text.next(random), text.next(random)),
                random -> new ResponseCommand(text.next(random), status.next(random), description.next(random),
                        headers.next(random), random.nextBoolean()),
                text.map(RenewTokenCommand::new));
    }

    private static Gen<String> text() {
        return Gen.oneOf(Gen.strings(0, 200), Gen.concat(TOKENS, 30));
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
