package dev.relaysim.relay.gateway.management.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Calls the gateway's ARM-shaped management API with the JDK HTTP client: paths below
 * {@code /subscriptions/<sub>/resourceGroups/<rg>}, the admin key as a bearer token, {@value #API_VERSION}. Used by
 * the {@code pe} and {@code network} commands and by the relaysim-junit extension's management handle.
 */
public final class ManagementClient {

    public static final String API_VERSION = "2021-11-01";
    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    public static final String RESOURCE_GROUP = "relaysim";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String adminKey;
    private final HttpClient http;

    /** A refusal of the API ({@code code} and {@code message} of its ARM error) or a failure to reach it. */
    public static final class ManagementException extends Exception {

        private static final long serialVersionUID = 1L;

        public ManagementException(String message) {
            super(message, null, false, false);
        }
    }

    /** @param managementUrl such as {@code http://127.0.0.1:9390} */
    public ManagementClient(URI managementUrl, String adminKey) {
        requireNonNull(managementUrl, "managementUrl");
        String text = managementUrl.toString();
        base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.adminKey = requireNonNull(adminKey, "adminKey");
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** {@code .../providers/Microsoft.Relay/namespaces[/<namespace>]} plus {@code rest}. */
    public static String namespacePath(@Nullable String namespace, String rest) {
        return "/providers/Microsoft.Relay/namespaces" + (namespace == null ? "" : '/' + segment(namespace)) + rest;
    }

    /** A name as one URL path segment. */
    public static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} below the resource group, such as {@link #namespacePath(String, String)}'s. */
    public JsonNode get(String path) throws ManagementException {
        return send("GET", path, null);
    }

    public JsonNode put(String path, JsonNode body) throws ManagementException {
        return send("PUT", path, body);
    }

    public JsonNode post(String path, JsonNode body) throws ManagementException {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) throws ManagementException {
        return send("DELETE", path, null);
    }

    /**
     * Sets a private endpoint connection's state ({@code Approved}, {@code Rejected}, ...) with an optional
     * description, as the namespace owner does; returns the connection.
     */
    public JsonNode setPrivateEndpointConnectionStatus(String namespace, String connection, String status,
                                                       @Nullable String description) throws ManagementException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode state = body.putObject("properties").putObject("privateLinkServiceConnectionState");
        state.put("status", requireNonNull(status, "status"));
        if (description != null) {
            state.put("description", description);
        }
        return put(privateEndpointConnectionPath(namespace, connection), body);
    }

    /** {@code .../namespaces/<namespace>/privateEndpointConnections/<connection>}. */
    public static String privateEndpointConnectionPath(String namespace, String connection) {
        return namespacePath(requireNonNull(namespace, "namespace"), "/privateEndpointConnections/"
                + segment(requireNonNull(connection, "connection")));
    }

    private JsonNode send(String method, String path, @Nullable JsonNode body) throws ManagementException {
        URI uri = URI.create(base + "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP + path
                + "?api-version=" + API_VERSION);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminKey)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ManagementException("cannot reach the management API at " + base + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                    + " (is ./relaysim gateway running? --management-url names another address)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagementException("interrupted");
        }
        JsonNode json;
        try {
            json = response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new ManagementException(method + ' ' + uri.getPath() + ": HTTP " + response.statusCode()
                    + " with a body that is not JSON (is " + base + " a relaysim management server?)");
        }
        if (response.statusCode() >= 300) {
            JsonNode error = json.path("error");
            throw new ManagementException(error.isObject()
                    ? error.path("code").asText() + ": " + error.path("message").asText()
                    : method + ' ' + uri.getPath() + ": HTTP " + response.statusCode());
        }
        return json;
    }
}
