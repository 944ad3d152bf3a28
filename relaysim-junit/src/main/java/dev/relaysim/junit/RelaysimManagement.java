package dev.relaysim.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.management.cli.ManagementClient;
import dev.relaysim.relay.gateway.management.cli.ManagementClient.ManagementException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

import static java.util.Objects.requireNonNull;

/**
 * The test gateway's ARM-shaped management API (the one {@code ./relaysim pe|network} use): typed calls for what
 * tests change mid-run, and {@link #get}/{@link #put}/{@link #delete} for any other resource. Paths are below the
 * resource group ({@code /subscriptions/<sub>/resourceGroups/relaysim}), such as
 * {@code /providers/Microsoft.Relay/namespaces/contoso/networkRuleSets/default}. Failures are
 * {@link ManagementApiException}s carrying the API's error code and message.
 */
public final class RelaysimManagement {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ManagementClient client;
    private final URI url;
    private final String adminKey;

    RelaysimManagement(URI url, String adminKey) {
        this.url = requireNonNull(url, "url");
        this.adminKey = requireNonNull(adminKey, "adminKey");
        client = new ManagementClient(url, adminKey);
    }

    /** The management server, such as {@code http://127.42.7.9:40123} ({@code /health}, {@code /metrics}, ARM). */
    public URI url() {
        return url;
    }

    /** The bearer token the ARM routes require ({@code Authorization: Bearer <key>}). */
    public String adminKey() {
        return adminKey;
    }

    /** A namespace resource: properties such as {@code publicNetworkAccess} and {@code privateEndpointConnections}. */
    public JsonNode namespace(String namespace) {
        return get(ManagementClient.namespacePath(requireNonNull(namespace, "namespace"), ""));
    }

    /** The status of a private endpoint connection: {@code Approved}, {@code Pending}, {@code Rejected}, ... */
    public String privateEndpointConnectionStatus(String namespace, String connection) {
        return get(ManagementClient.privateEndpointConnectionPath(namespace, connection)).path("properties")
                .path("privateLinkServiceConnectionState").path("status").asText();
    }

    /**
     * Rejects a private endpoint connection as the namespace owner does: connections through the endpoint close with
     * 1008, new ones are refused.
     */
    public void rejectPrivateEndpointConnection(String namespace, String connection) {
        setPrivateEndpointConnectionStatus(namespace, connection, "Rejected");
    }

    /** Approves a private endpoint connection: its endpoint carries traffic at once. */
    public void approvePrivateEndpointConnection(String namespace, String connection) {
        setPrivateEndpointConnectionStatus(namespace, connection, "Approved");
    }

    private void setPrivateEndpointConnectionStatus(String namespace, String connection, String status) {
        call(() -> client.setPrivateEndpointConnectionStatus(namespace, connection, status, "set by the test"));
    }

    public JsonNode get(String path) {
        return call(() -> client.get(requireNonNull(path, "path")));
    }

    /** PUT with a JSON body (text). */
    public JsonNode put(String path, String json) {
        requireNonNull(json, "json");
        JsonNode body;
        try {
            body = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("put " + path + ": the body is not JSON", e);
        }
        return call(() -> client.put(requireNonNull(path, "path"), body));
    }

    public JsonNode delete(String path) {
        return call(() -> client.delete(requireNonNull(path, "path")));
    }

    private interface Call {
        JsonNode run() throws ManagementException;
    }

    private static JsonNode call(Call call) {
        try {
            return call.run();
        } catch (ManagementException e) {
            throw new ManagementApiException(e.getMessage(), e);
        }
    }
}
