package dev.relaysim.relay.common.protocol;

import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlCommandCodecTest {

    private static final String ADDRESS = "wss://localhost:9400/$hc/hc1?app=1&sb-hc-action=accept&sb-hc-id=8c7a_G0";

    @Test
    void encodesAcceptInTheDocumentedShape() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Sec-WebSocket-Key", "MTMtMTc5NTkwMzM3OTY0Mw==");
        headers.put("Host", "127.0.0.1:18080");
        headers.put("Connection", "Upgrade");
        AcceptCommand accept = new AcceptCommand(ADDRESS, "8c7a_G0", headers, new RemoteEndpoint("127.0.0.1", 49522));

        assertThat(ControlCommandCodec.encode(accept)).isEqualTo("{\"accept\":{\"address\":\"" + ADDRESS
                + "\",\"id\":\"8c7a_G0\",\"connectHeaders\":{\"Sec-WebSocket-Key\":\"MTMtMTc5NTkwMzM3OTY0Mw==\","
                + "\"Host\":\"127.0.0.1:18080\",\"Connection\":\"Upgrade\"},"
                + "\"remoteEndpoint\":{\"address\":\"127.0.0.1\",\"port\":49522}}}");
    }

    @Test
    void acceptWithoutRemoteEndpointOrHeadersStillHasConnectHeaders() {
        assertThat(ControlCommandCodec.encode(new AcceptCommand("a", "i", null, null)))
                .isEqualTo("{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"connectHeaders\":{}}}");
    }

    @Test
    void encodesBothRequestForms() {
        RequestCommand full =
                new RequestCommand("wss://gw/$hc/hc1?sb-hc-action=request&sb-hc-id=r1", "r1", "/hc1/x?q=1",
                "POST", new RemoteEndpoint("::1", 1), Map.of("Content-Type", "text/plain"), true);
        assertThat(ControlCommandCodec.encode(full)).isEqualTo("{\"request\":{"
                + "\"address\":\"wss://gw/$hc/hc1?sb-hc-action=request&sb-hc-id=r1\",\"id\":\"r1\","
                + "\"requestTarget\":\"/hc1/x?q=1\",\"method\":\"POST\","
                + "\"remoteEndpoint\":{\"address\":\"::1\",\"port\":1},"
                + "\"requestHeaders\":{\"Content-Type\":\"text/plain\"},\"body\":true}}");

        RequestCommand addressOnly = RequestCommand.addressOnly("wss://gw/x", "r2");
        assertThat(addressOnly.isAddressOnly()).isTrue();
        assertThat(full.isAddressOnly()).isFalse();
        assertThat(ControlCommandCodec.encode(addressOnly))
                .isEqualTo("{\"request\":{\"address\":\"wss://gw/x\",\"id\":\"r2\"}}");
    }

    @Test
    void encodesResponseAndRenewToken() {
        assertThat(ControlCommandCodec.encode(new ResponseCommand("r1", 200, "OK", Map.of("x", "y"), true)))
                .isEqualTo("{\"response\":{\"requestId\":\"r1\",\"statusCode\":200,\"statusDescription\":\"OK\","
                        + "\"responseHeaders\":{\"x\":\"y\"},\"body\":true}}");
        assertThat(ControlCommandCodec.encode(new ResponseCommand("r1", 204, null, null, false)))
                .isEqualTo("{\"response\":{\"requestId\":\"r1\",\"statusCode\":204,"
                        + "\"responseHeaders\":{},\"body\":false}}");
        assertThat(ControlCommandCodec.encode(new RenewTokenCommand("SharedAccessSignature sr=a&sig=b&se=1&skn=k")))
                .isEqualTo("{\"renewToken\":{\"token\":\"SharedAccessSignature sr=a&sig=b&se=1&skn=k\"}}");
    }

    @Test
    void escapesJsonSpecialCharacters() throws Exception {
        AcceptCommand accept = new AcceptCommand("a\"b\\c", "\u0001", Map.of("X-\u00e9", "line\nbreak"), null);
        String json = ControlCommandCodec.encode(accept);
        assertThat(json).contains("a\\\"b\\\\c", "\\u0001", "line\\nbreak");
        assertThat(ControlCommandCodec.decode(json)).isEqualTo(accept);
    }

    @Test
    void roundTripsEveryCommand() throws Exception {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (int i = 20; i > 0; i--) {
            ordered.put("h" + i, "v" + i);
        }
        ControlCommand[] commands = {
                new AcceptCommand(ADDRESS, "id", ordered, new RemoteEndpoint("10.0.0.1", 65535)),
                new AcceptCommand(ADDRESS, "id", Map.of(), null),
                new RequestCommand("a", "i", "/hc1", "GET", null, ordered, false),
                RequestCommand.addressOnly("a", "i"),
                new ResponseCommand("i", 502, "Bad Gateway", ordered, true),
                new ResponseCommand("i", 100, null, Map.of(), false),
                new RenewTokenCommand("t"),
        };
        for (ControlCommand command : commands) {
            ControlCommand decoded = ControlCommandCodec.decode(ControlCommandCodec.encode(command));
            assertThat(decoded).isEqualTo(command);
        }
        AcceptCommand decoded = (AcceptCommand) ControlCommandCodec.decode(ControlCommandCodec.encode(commands[0]));
        assertThat(decoded.connectHeaders().keySet()).containsExactlyElementsOf(ordered.keySet());
    }

    @Test
    void decodesWhatTheSdksSend() throws Exception {
        assertThat(ControlCommandCodec.decode("{\"response\":{\"requestId\":\"r\",\"statusCode\":\"404\","
                + "\"statusDescription\":\"Not Found\","
                + "\"responseHeaders\":{\"content-type\":\"text/plain\"},\"body\":true}}"))
                .isEqualTo(new ResponseCommand("r", 404, "Not Found", Map.of("content-type", "text/plain"), true));
        assertThat(ControlCommandCodec.decode("{\"response\":{\"requestId\":\"r\",\"statusCode\":200}}"))
                .isEqualTo(new ResponseCommand("r", 200, null, Map.of(), false));
        assertThat(ControlCommandCodec.decode(" {\"renewToken\" : {\"token\":\""
                + "SharedAccessSignature x\",\"extra\":1}}\n"))
                .isEqualTo(new RenewTokenCommand("SharedAccessSignature x"));
    }

    @Test
    void requestWithoutMethodIsAddressOnly() throws Exception {
        assertThat(ControlCommandCodec.decode("{\"request\":{\"address\":\"a\",\"id\":\"i\",\"body\":true}}"))
                .isEqualTo(RequestCommand.addressOnly("a", "i"));
        RequestCommand full = (RequestCommand) ControlCommandCodec.decode(
                "{\"request\":{\"address\":\"a\",\"id\":\"i\",\"method\":\"GET\",\"requestTarget\":\"/x\"}}");
        assertThat(full.body()).isFalse();
        assertThat(full.requestHeaders()).isEmpty();
        assertThat(full.remoteEndpoint()).isNull();
    }

    @Test
    void headerValuesMayBeScalars() throws Exception {
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(
                "{\"accept\":{\"address\":\"a\",\"id\":\"i\","
                        + "\"connectHeaders\":{\"n\":1,\"b\":true,\"z\":null,\"s\":\"x\"}}}");
        assertThat(accept.connectHeaders())
                .containsExactly(Map.entry("n", "1"), Map.entry("b", "true"), Map.entry("s", "x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                         | control command: no JSON value (expected: a JSON object "
                    + "with one key",
            "'   '                                      | control command: no JSON value",
            "null                                       | control command: a JSON null (expected",
            "[]                                         | control command: a JSON array (expected",
            "\"accept\"                                 | control command: a JSON string (expected",
            "{}                                         | control command: 0 top-level keys [] (expected: exactly "
                    + "one of accept, request, response or renewToken)",
            "{\"accept\":{},\"request\":{}}             | control command: 2 top-level keys ['accept', 'request'] "
                    + "(expected: exactly one",
            "{\"ping\":{}}                              | control command: unknown command 'ping' (expected: accept, "
                    + "request, response or renewToken)",
            "{\"Accept\":{}}                            | control command: unknown command 'Accept'",
            "{\"accept\":[]}                            | accept: a JSON array (expected: an object)",
            "{\"accept\":null}                          | accept: a JSON null (expected: an object)",
            "{\"accept\":{\"id\":\"i\"}}                | accept.address: missing",
            "{\"accept\":{\"address\":\"a\"}}           | accept.id: missing",
            "{\"accept\":{\"address\":\"a\",\"id\":7}}  | accept.id: a JSON number (expected: a string)",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"connectHeaders\":[]}}         | accept.connectHeaders: a "
                    + "JSON array (expected: an object)",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"connectHeaders\":{\"h\":{}}}} | accept.connectHeaders.h: "
                    + "a JSON object (expected: a string)",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"remoteEndpoint\":1}}          | accept.remoteEndpoint: a "
                    + "JSON number (expected: an object)",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"remoteEndpoint\":{\"port\":1}}} | "
                    + "accept.remoteEndpoint.address: missing",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"remoteEndpoint\":{\"address\":\"x\"}}} | "
                    + "accept.remoteEndpoint.port: missing",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"remoteEndpoint\":{\"address\":\"x\",\"port\":70000}}} | "
                    + "accept.remoteEndpoint.port: '70000' (expected: 0-65535)",
            "{\"accept\":{\"address\":\"a\",\"id\":\"i\",\"remoteEndpoint\":{\"address\":\"x\",\"port\":\"80\"}}} | "
                    + "accept.remoteEndpoint.port: '\"80\"' (expected: 0-65535)",
            "{\"request\":{\"address\":\"a\",\"id\":\"i\",\"method\":\"GET\"}}              | request.requestTarget: "
                    + "missing",
            "{\"request\":{\"address\":\"a\",\"id\":\"i\",\"method\":\"GET\",\"requestTarget\":\"/\","
                    + "\"body\":\"yes\"}} | request.body: '\"yes\"' (expected: true or false)",
            "{\"request\":{\"id\":\"i\"}}                                                   | request.address: missing",
            "{\"response\":{\"requestId\":\"r\"}}                                           | response.statusCode: "
                    + "missing",
            "{\"response\":{\"statusCode\":200}}                                            | response.requestId: "
                    + "missing",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":\"OK\"}}                     | response.statusCode: "
                    + "'\"OK\"' (expected: an HTTP status as a number or a string of digits)",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":200.5}}                      | response.statusCode: "
                    + "'200.5' (expected: an HTTP status",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":99999999999}}                | response.statusCode: "
                    + "'99999999999' (expected: an HTTP status",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":42}}                         | response.statusCode: "
                    + "42 (expected: 100-999)",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":\"1000\"}}                   | response.statusCode: "
                    + "1000 (expected: 100-999)",
            "{\"response\":{\"requestId\":\"r\",\"statusCode\":200,\"statusDescription\":false}} | "
                    + "response.statusDescription: a JSON boolean (expected: a string)",
            "{\"renewToken\":{}}                                                            | renewToken.token: "
                    + "missing",
            "{\"renewToken\":{\"token\":null}}                                              | renewToken.token: "
                    + "missing",
            "{\"renewToken\":{\"token\":\"a\"}} x                                           | control command: "
                    + "malformed JSON",
            "{\"renewToken\":{\"token\":\"a\"}}{}                                           | control command: "
                    + "malformed JSON",
            "{\"renewToken\":{\"token\":\"a\",\"token\":\"b\"}}                             | control command: "
                    + "malformed JSON: Duplicate field 'token'",
            "{\"renewToken\":                                                               | control command: "
                    + "malformed JSON",
            "{'renewToken':{}}                                                              | control command: "
                    + "malformed JSON",
    })
    void refusesWithAMessageNamingTheField(String json, String message) {
        assertThatThrownBy(() -> ControlCommandCodec.decode(json))
                .isInstanceOf(ControlCommandException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void manyTopLevelKeysAreListedBriefly() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 1000; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        assertThatThrownBy(() -> ControlCommandCodec.decode(json.append('}').toString()))
                .isInstanceOf(ControlCommandException.class)
                .hasMessage("control command: 1000 top-level keys ['k0', 'k1', 'k2', 'k3', ...] (expected: exactly "
                        + "one of accept, request, response or renewToken)");
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> ControlCommandCodec.decode("{\n\"accept\" {}}"))
                .isInstanceOf(ControlCommandException.class)
                .hasMessageContaining("(line 2, column");
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 600, 5000})
    void deepNestingIsAnOrdinaryFailure(int depth) {
        String json = "{\"accept\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThatThrownBy(() -> ControlCommandCodec.decode(json)).isInstanceOf(ControlCommandException.class);
    }

    @Test
    void hugeNumbersAreAnOrdinaryFailure() {
        String json = "{\"response\":{\"requestId\":\"r\",\"statusCode\":" + "9".repeat(5000) + "}}";
        assertThatThrownBy(() -> ControlCommandCodec.decode(json)).isInstanceOf(ControlCommandException.class);
    }

    /** Mutations of valid commands and random text: decode either succeeds or throws ControlCommandException. */
    @Test
    void noOtherExceptionEscapesForAnyInput() {
        String[] seeds = {
                ControlCommandCodec.encode(new AcceptCommand(ADDRESS, "id", Map.of("k", "v"),
                        new RemoteEndpoint("1.2.3.4", 5))),
                ControlCommandCodec.encode(new RequestCommand("a", "i", "/t", "GET", new RemoteEndpoint("h", 1),
                        Map.of("a", "b"), true)),
                ControlCommandCodec.encode(RequestCommand.addressOnly("a", "i")),
                ControlCommandCodec.encode(new ResponseCommand("r", 200, "OK", Map.of("a", "b"), true)),
                ControlCommandCodec.encode(new RenewTokenCommand("t")),
        };
        String alphabet = "{}[]\":,0123456789-+.eEtrufalsn\\u "
                + "\t\nacceptrequestresponserenewTokenaddressidportstatusCode\u00e9\uD800";
        Random random = new Random(20261128);
        for (int round = 0; round < 30_000; round++) {
            String json = Mutations.editWithin(random, seeds[random.nextInt(seeds.length)], alphabet);
            try {
                ControlCommand command = ControlCommandCodec.decode(json);
                assertThat(ControlCommandCodec.decode(ControlCommandCodec.encode(command))).isEqualTo(command);
            } catch (ControlCommandException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError("decode(" + json + ") threw " + e, e);
            }
        }
    }

    @Test
    void recordsValidateTheirFields() {
        assertThatThrownBy(() -> new RemoteEndpoint("h", -1)).hasMessage("port: -1 (expected: 0-65535)");
        assertThatThrownBy(() -> new RemoteEndpoint(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("address");
        assertThatThrownBy(() -> new ResponseCommand("r", 99, null, null, false))
                .hasMessage("statusCode: 99 (expected: 100-999)");
        assertThatThrownBy(() -> new RequestCommand("a", "i", null, "GET", null, null, false))
                .hasMessageStartingWith("requestTarget: null");
        assertThatThrownBy(() -> new RequestCommand("a", "i", "/x", null, null, null, false))
                .hasMessageStartingWith("method: null");
        assertThatThrownBy(() -> new RequestCommand("a", "i", null, null, null, null, true))
                .hasMessageStartingWith("method: null");
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> new AcceptCommand("a", "i", withNull, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("connectHeaders[k]");
        assertThatThrownBy(() -> new RenewTokenCommand(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("token");
    }

    @Test
    void headerMapsAreImmutableCopies() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("a", "1");
        AcceptCommand accept = new AcceptCommand("a", "i", headers, null);
        headers.put("b", "2");
        assertThat(accept.connectHeaders()).containsOnlyKeys("a");
        assertThatThrownBy(() -> accept.connectHeaders().put("c", "3"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
