package dev.relaysim.relay.gateway.internal.management.arm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A value of a request body with its JSON path ({@code properties.subnet.id},
 * {@code properties.ipRules[1].ipMask}), so that every refusal names the field as ARM does. Reading a value of the
 * wrong type throws 400 {@code InvalidRequestContent}; fields the API does not know are ignored, as ARM ignores
 * them.
 */
final class RequestBody {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String path;
    private final JsonNode json;

    private RequestBody(String path, JsonNode json) {
        this.path = path;
        this.json = json;
    }

    /** The body as a JSON object. */
    static RequestBody parse(String body) {
        if (body.isBlank()) {
            throw ArmException.invalidContent("The request content was invalid and could not be deserialized: "
                    + "the body is empty (expected: a JSON object).");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JacksonException e) {
            JsonLocation location = e.getLocation();
            throw ArmException.invalidContent("The request content was invalid and could not be deserialized: "
                    + e.getOriginalMessage() + (location == null ? "" : " (line " + location.getLineNr()
                    + ", column " + location.getColumnNr() + ")") + '.');
        }
        RequestBody root = new RequestBody("", tree);
        if (!tree.isObject()) {
            throw root.invalid("a JSON object");
        }
        return root;
    }

    String path() {
        return path.isEmpty() ? "(body)" : path;
    }

    boolean present() {
        return json != null && !json.isNull() && !json.isMissingNode();
    }

    /** The field {@code name} of this object (absent when this is absent or not an object). */
    RequestBody field(String name) {
        JsonNode child = json != null && json.isObject() ? json.get(name) : null;
        return new RequestBody(path.isEmpty() ? name : path + '.' + name, child);
    }

    String text() {
        require("a string");
        if (!json.isTextual()) {
            throw invalid("a string");
        }
        return json.textValue();
    }

    Optional<String> optionalText() {
        return present() ? Optional.of(text()) : Optional.empty();
    }

    /** A JSON boolean, or the strings {@code "true"}/{@code "false"} in any case (ARM templates write "True"). */
    Optional<Boolean> optionalBoolean() {
        if (!present()) {
            return Optional.empty();
        }
        if (json.isBoolean()) {
            return Optional.of(json.booleanValue());
        }
        if (json.isTextual() && (json.textValue().equalsIgnoreCase("true")
                || json.textValue().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(json.textValue()));
        }
        throw invalid("true or false");
    }

    List<RequestBody> elements() {
        require("an array");
        if (!json.isArray()) {
            throw invalid("an array");
        }
        List<RequestBody> elements = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            elements.add(new RequestBody(path + '[' + i + ']', json.get(i)));
        }
        return elements;
    }

    /** The text of this field parsed by {@code parser}, whose IllegalArgumentException names what was expected. */
    <T> T parsed(Function<String, T> parser) {
        String text = text();
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw ArmException.invalidContent("The request content was invalid: " + path() + ": " + e.getMessage()
                    + '.');
        }
    }

    /** 400 {@code BadRequest} naming this field, its value and what was expected. */
    ArmException refused(String expected) {
        return ArmException.badRequest("The request content was invalid: " + path() + ": " + shown()
                + " (expected: " + expected + ").");
    }

    private ArmException invalid(String expected) {
        return ArmException.invalidContent("The request content was invalid and could not be deserialized: "
                + path() + ": " + shown() + " (expected: " + expected + ").");
    }

    private void require(String expected) {
        if (!present()) {
            throw ArmException.badRequest("The request content was invalid: " + path() + ": missing (expected: "
                    + expected + ").");
        }
    }

    private String shown() {
        return present() ? json.toString() : "missing";
    }
}
