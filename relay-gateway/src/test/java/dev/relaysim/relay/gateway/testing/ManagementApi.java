package dev.relaysim.relay.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.config.ListenSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests to a {@link TestGateway}'s ARM-shaped management API with the default admin key. */
public final class ManagementApi {

    public static final String SCOPE =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/relaysim";
    /** Followed by a namespace name. */
    public static final String RELAY_NAMESPACES = SCOPE + "/providers/Microsoft.Relay/namespaces/";
    /** Followed by a virtual network name. */
    public static final String VIRTUAL_NETWORKS = SCOPE + "/providers/Microsoft.Network/virtualNetworks/";
    /** Followed by a private endpoint name. */
    public static final String PRIVATE_ENDPOINTS = SCOPE + "/providers/Microsoft.Network/privateEndpoints/";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ManagementApi() {
    }

    /** {@code method path?api-version=2021-11-01} with {@code body} (JSON, or null for none). */
    public static HttpResponse<String> send(HttpClient http, TestGateway gateway, String method, String path,
                                            String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.addresses().managementPort() + path + "?api-version=2021-11-01"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a response that must have {@code status}. */
    public static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** A private endpoint connection's new state. */
    public static String connectionStateBody(String status) {
        return "{\"properties\": {\"privateLinkServiceConnectionState\": {\"status\": \"" + status
                + "\", \"description\": \"by the test\"}}}";
    }
}
