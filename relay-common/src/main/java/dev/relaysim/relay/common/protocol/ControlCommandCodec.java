package dev.relaysim.relay.common.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.relaysim.relay.common.protocol.PercentCodec.quote;
import static java.util.Objects.requireNonNull;

/**
 * Converts {@link ControlCommand}s to and from the JSON text of control-channel messages.
 *
 * <p>Encoding writes the shapes of the protocol: fields in the documented order, header maps in insertion
 * order, {@code null} fields omitted, {@code connectHeaders}, {@code requestHeaders} and {@code responseHeaders}
 * always present (as {@code {}} when empty), and an address-only request as just {@code address} and {@code id}.
 *
 * <p>Decoding is strict about structure and lenient about extras: exactly one top-level key naming a known
 * command, required fields present with the right JSON type, unknown fields inside a command ignored, duplicate
 * keys and trailing content refused. {@code statusCode} may be a number or a string of digits. A request without
 * {@code method} is the address-only form. Header values that are numbers or booleans are taken as their text,
 * {@code null} header values are dropped. Every failure, whatever the input, is a
 * {@link ControlCommandException} whose message names the command and field.
 */
public final class ControlCommandCodec {

    private static final String ACCEPT = "accept";
    private static final String REQUEST = "request";
    private static final String RESPONSE = "response";
    private static final String RENEW_TOKEN = "renewToken";
    private static final int MAX_NAMES_SHOWN = 4;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ControlCommandCodec() {
    }

    /** The JSON text of {@code command}, for example {@code {"renewToken":{"token":"SharedAccessSignature .."}}}. */
    public static String encode(ControlCommand command) {
        requireNonNull(command, "command");
        ObjectNode root = MAPPER.createObjectNode();
        if (command instanceof AcceptCommand accept) {
            ObjectNode node = root.putObject(ACCEPT);
            node.put("address", accept.address());
            node.put("id", accept.id());
            putHeaders(node, "connectHeaders", accept.connectHeaders());
            putRemoteEndpoint(node, accept.remoteEndpoint());
        } else if (command instanceof RequestCommand request) {
            ObjectNode node = root.putObject(REQUEST);
            node.put("address", request.address());
            node.put("id", request.id());
            if (!request.isAddressOnly()) {
                node.put("requestTarget", request.requestTarget());
                node.put("method", request.method());
                putRemoteEndpoint(node, request.remoteEndpoint());
                putHeaders(node, "requestHeaders", request.requestHeaders());
                node.put("body", request.body());
            }
        } else if (command instanceof ResponseCommand response) {
            ObjectNode node = root.putObject(RESPONSE);
            node.put("requestId", response.requestId());
            node.put("statusCode", response.statusCode());
            if (response.statusDescription() != null) {
                node.put("statusDescription", response.statusDescription());
            }
            putHeaders(node, "responseHeaders", response.responseHeaders());
            node.put("body", response.body());
        } else {
            RenewTokenCommand renewToken = (RenewTokenCommand) command;
            root.putObject(RENEW_TOKEN).put("token", renewToken.token());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + command.getClass().getSimpleName(), e);
        }
    }

    /**
     * Parses one control-channel message.
     *
     * @throws ControlCommandException for any input that is not exactly one valid command; no other exception
     *                                 escapes for a non-null {@code json}
     */
    public static ControlCommand decode(String json) throws ControlCommandException {
        requireNonNull(json, "json");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            throw new ControlCommandException("control command: malformed JSON: " + e.getOriginalMessage()
                    + (location == null ? "" : " (line " + location.getLineNr() + ", column "
                    + location.getColumnNr() + ")"), e);
        } catch (RuntimeException e) {
            // The parser's contract is JsonProcessingException; this keeps the promise above if it ever breaks it.
            throw new ControlCommandException("control command: malformed JSON: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new ControlCommandException("control command: " + type(root)
                    + " (expected: a JSON object with one key: accept, request, response or renewToken)");
        }
        if (root.size() != 1) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, JsonNode> property : root.properties()) {
                if (names.size() == MAX_NAMES_SHOWN) {
                    names.add("...");
                    break;
                }
                names.add(quote(property.getKey()));
            }
            throw new ControlCommandException("control command: " + root.size() + " top-level keys " + names
                    + " (expected: exactly one of accept, request, response or renewToken)");
        }
        Map.Entry<String, JsonNode> entry = root.properties().iterator().next();
        String name = entry.getKey();
        JsonNode body = entry.getValue();
        switch (name) {
            case ACCEPT:
                return decodeAccept(object(body, ACCEPT));
            case REQUEST:
                return decodeRequest(object(body, REQUEST));
            case RESPONSE:
                return decodeResponse(object(body, RESPONSE));
            case RENEW_TOKEN:
                return new RenewTokenCommand(requiredText(object(body, RENEW_TOKEN), RENEW_TOKEN, "token"));
            default:
                throw new ControlCommandException("control command: unknown command " + quote(name)
                        + " (expected: accept, request, response or renewToken)");
        }
    }

    private static AcceptCommand decodeAccept(JsonNode node) throws ControlCommandException {
        return new AcceptCommand(requiredText(node, ACCEPT, "address"), requiredText(node, ACCEPT, "id"),
                headers(node, ACCEPT, "connectHeaders"), remoteEndpoint(node, ACCEPT));
    }

    private static RequestCommand decodeRequest(JsonNode node) throws ControlCommandException {
        String address = requiredText(node, REQUEST, "address");
        String id = requiredText(node, REQUEST, "id");
        String method = optionalText(node, REQUEST, "method");
        if (method == null) {
            return RequestCommand.addressOnly(address, id);
        }
        return new RequestCommand(address, id, requiredText(node, REQUEST, "requestTarget"), method,
                remoteEndpoint(node, REQUEST), headers(node, REQUEST, "requestHeaders"), bool(node, REQUEST, "body"));
    }

    private static ResponseCommand decodeResponse(JsonNode node) throws ControlCommandException {
        return new ResponseCommand(requiredText(node, RESPONSE, "requestId"), statusCode(node),
                optionalText(node, RESPONSE, "statusDescription"), headers(node, RESPONSE, "responseHeaders"),
                bool(node, RESPONSE, "body"));
    }

    private static int statusCode(JsonNode node) throws ControlCommandException {
        JsonNode value = node.get("statusCode");
        String field = RESPONSE + ".statusCode";
        if (value == null || value.isNull()) {
            throw new ControlCommandException(field + ": missing");
        }
        int code;
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            code = value.intValue();
        } else if (value.isTextual() && value.textValue().matches("[0-9]{1,9}")) {
            code = Integer.parseInt(value.textValue());
        } else {
            throw new ControlCommandException(field + ": " + quote(value.toString())
                    + " (expected: an HTTP status as a number or a string of digits)");
        }
        if (code < 100 || code > 999) {
            throw new ControlCommandException(field + ": " + code + " (expected: 100-999)");
        }
        return code;
    }

    private static RemoteEndpoint remoteEndpoint(JsonNode node, String command) throws ControlCommandException {
        JsonNode value = node.get("remoteEndpoint");
        if (value == null || value.isNull()) {
            return null;
        }
        String field = command + ".remoteEndpoint";
        JsonNode endpoint = object(value, field);
        String address = requiredText(endpoint, field, "address");
        JsonNode port = endpoint.get("port");
        if (port == null || port.isNull()) {
            throw new ControlCommandException(field + ".port: missing");
        }
        if (!port.isIntegralNumber() || !port.canConvertToInt() || port.intValue() < 0 || port.intValue() > 65535) {
            throw new ControlCommandException(field + ".port: " + quote(port.toString()) + " (expected: 0-65535)");
        }
        return new RemoteEndpoint(address, port.intValue());
    }

    private static Map<String, String> headers(JsonNode node, String command, String name)
            throws ControlCommandException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        String field = command + "." + name;
        JsonNode object = object(value, field);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> header : object.properties()) {
            JsonNode headerValue = header.getValue();
            if (headerValue.isNull()) {
                continue;
            }
            if (!headerValue.isValueNode()) {
                throw new ControlCommandException(field + "." + header.getKey() + ": " + type(headerValue)
                        + " (expected: a string)");
            }
            headers.put(header.getKey(), headerValue.asText());
        }
        return headers;
    }

    private static boolean bool(JsonNode node, String command, String name) throws ControlCommandException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ControlCommandException(command + "." + name + ": " + quote(value.toString())
                    + " (expected: true or false)");
        }
        return value.booleanValue();
    }

    private static String requiredText(JsonNode node, String command, String name) throws ControlCommandException {
        String text = optionalText(node, command, name);
        if (text == null) {
            throw new ControlCommandException(command + "." + name + ": missing");
        }
        return text;
    }

    private static String optionalText(JsonNode node, String command, String name) throws ControlCommandException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ControlCommandException(command + "." + name + ": " + type(value) + " (expected: a string)");
        }
        return value.textValue();
    }

    private static JsonNode object(JsonNode value, String field) throws ControlCommandException {
        if (!value.isObject()) {
            throw new ControlCommandException(field + ": " + type(value) + " (expected: an object)");
        }
        return value;
    }

    private static String type(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "no JSON value";
        }
        return "a JSON " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static void putHeaders(ObjectNode node, String name, Map<String, String> headers) {
        ObjectNode object = node.putObject(name);
        headers.forEach(object::put);
    }

    private static void putRemoteEndpoint(ObjectNode node, RemoteEndpoint remoteEndpoint) {
        if (remoteEndpoint != null) {
            node.putObject("remoteEndpoint")
                    .put("address", remoteEndpoint.address())
                    .put("port", remoteEndpoint.port());
        }
    }
}
