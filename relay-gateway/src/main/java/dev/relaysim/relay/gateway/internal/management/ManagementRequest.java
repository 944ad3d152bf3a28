package dev.relaysim.relay.gateway.internal.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A management request as a route handler sees it.
 *
 * @param method the HTTP method
 * @param path the decoded path, without the query
 * @param pathParameters the values of the route pattern's {@code {name}} segments
 * @param query the decoded query parameters
 * @param headers the request headers
 * @param body the request body as UTF-8 text ({@code ""} when there is none)
 */
public record ManagementRequest(HttpMethod method, String path, Map<String, String> pathParameters,
                                Map<String, List<String>> query, HttpHeaders headers, String body) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ManagementRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        pathParameters = Map.copyOf(requireNonNull(pathParameters, "pathParameters"));
        query = Map.copyOf(requireNonNull(query, "query"));
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }

    /**
     * The body parsed as JSON.
     *
     * @param expected the shape expected, for the message of the {@link IllegalArgumentException} (a 400 on
     *                 guarded routes) that malformed JSON becomes
     */
    public JsonNode jsonBody(String expected) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body: not JSON (expected: " + expected + ')', e);
        }
    }
}
