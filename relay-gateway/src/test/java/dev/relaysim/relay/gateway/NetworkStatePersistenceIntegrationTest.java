package dev.relaysim.relay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static dev.relaysim.relay.gateway.testing.ManagementApi.connectionStateBody;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Management API changes survive a restart when the data directory is configured explicitly: the state comes back
 * in the API and is enforced on traffic (a rejected private endpoint still refuses, an IP rule still admits); without
 * an explicit data directory nothing is saved; a broken state file stops the gateway with an error naming it.
 */
@Timeout(90)
class NetworkStatePersistenceIntegrationTest {

    private static final String CONTOSO_HOST = "contoso.servicebus.windows.net";
    private static final String ENTITY = "echo";
    private static final String RELAY = ManagementApi.RELAY_NAMESPACES;
    private static final String VNET = ManagementApi.VIRTUAL_NETWORKS + "vnet1";
    private static final String ENDPOINT = ManagementApi.PRIVATE_ENDPOINTS + "manual-pe";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dataDirectory;

    @Test
    void changesThroughTheApiAreBackAndEnforcedAfterARestart() throws Exception {
        try (TestGateway gateway = start(true)) {
            changeEverything(gateway);
            assertThat(dataDirectory.resolve(NetworkStateFile.FILE_NAME)).isRegularFile();
            try (Stream<Path> files = Files.list(dataDirectory)) {
                assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
            }
        }
        try (TestGateway restarted = start(true)) {
            JsonNode connection = json(send(restarted, "GET", RELAY + "contoso/privateEndpointConnections/manual-pe",
                    null));
            assertThat(connection.at("/properties/privateLinkServiceConnectionState/status").asText())
                    .isEqualTo("Rejected");
            assertThat(json(send(restarted, "GET", VNET, null)).at("/properties/subnets/0/name").asText())
                    .isEqualTo("default");
            JsonNode rules = json(send(restarted, "GET", RELAY + "sandbox/networkRuleSets/default", null));
            assertThat(rules.at("/properties/defaultAction").asText()).isEqualTo("Deny");
            assertThat(rules.at("/properties/ipRules/0/ipMask").asText()).isEqualTo("127.0.0.7");
            var model = restarted.server().networkState().current();
            assertThat(model.namespace("contoso").privateEndpoint("manual-pe").orElseThrow().status())
                    .isEqualTo(ConnectionStatus.REJECTED);
            assertThat(model.namespace("contoso").ruleSet().publicNetworkAccess())
                    .isEqualTo(PublicNetworkAccess.DISABLED);
            assertThat(model.namespace("sandbox").ruleSet().defaultAction()).isEqualTo(DefaultAction.DENY);

            int plain = restarted.addresses().plainPort();
            // The rejected endpoint still refuses its own VNet, and contoso's public access is still off.
            assertIpRefusal(raw("127.10.0.200", "127.10.0.4", plain, CONTOSO_HOST));
            assertIpRefusal(raw("127.0.0.1", "127.0.0.1", plain, CONTOSO_HOST));
            // sandbox: the IP rule still admits 127.0.0.7 (past the network rules: 404, no listener) ...
            assertThat(raw("127.0.0.7", "127.0.0.1", plain, TestGateway.HOST).status()).isEqualTo(404);
            // ... and the default action Deny still refuses everyone else.
            assertIpRefusal(raw("127.0.0.1", "127.0.0.1", plain, TestGateway.HOST));

            // Approving after the restart is saved too.
            json(send(restarted, "PUT", RELAY + "contoso/privateEndpointConnections/manual-pe",
                    connectionStateBody("Approved")));
        }
        try (TestGateway again = start(true)) {
            assertThat(again.server().networkState().current().namespace("contoso").privateEndpoint("manual-pe")
                    .orElseThrow().status()).isEqualTo(ConnectionStatus.APPROVED);
            assertThat(raw("127.10.0.200", "127.10.0.4", again.addresses().plainPort(), CONTOSO_HOST).status())
                    .isEqualTo(404);
        }
    }

    @Test
    void withoutAnExplicitDataDirectoryNothingIsSaved() throws Exception {
        try (TestGateway gateway = start(false)) {
            changeEverything(gateway);
        }
        assertThat(dataDirectory.resolve(NetworkStateFile.FILE_NAME)).doesNotExist();
        try (TestGateway restarted = start(false)) {
            var model = restarted.server().networkState().current();
            assertThat(model.virtualNetworks()).isEmpty();
            assertThat(model.namespace("sandbox").ruleSet().defaultAction()).isEqualTo(DefaultAction.ALLOW);
        }
    }

    @Test
    void aBrokenStateFileStopsTheStartWithAnErrorNamingTheFileAndThePath() throws Exception {
        Path file = dataDirectory.resolve(NetworkStateFile.FILE_NAME);
        Files.writeString(file, "{\"version\": 1, \"virtualNetworks\": [");
        assertThat(startFailure()).startsWith(file + " line 1, column ")
                .contains("(expected: valid JSON)").contains("the gateway does not start");

        Files.writeString(file, """
                {"version": 1, "virtualNetworks": [], "namespaces": [{"namespace": "contoso",
                 "ruleSet": {"publicNetworkAccess": "Sometimes", "defaultAction": "Allow", "ipRules": [],
                  "trustedServiceAccessEnabled": false}, "privateEndpoints": []}]}""");
        assertThat(startFailure()).startsWith(file + ": namespaces[0].ruleSet.publicNetworkAccess: \"Sometimes\"");

        Files.writeString(file, "{\"version\": 2, \"virtualNetworks\": [], \"namespaces\": []}");
        assertThat(startFailure()).startsWith(file + ": version: 2 (expected: 1");

        Files.writeString(file, "{\"version\": 1, \"virtualNetworks\": [], \"namespaces\": [{\"namespace\": "
                + "\"fabrikam\", \"ruleSet\": {\"publicNetworkAccess\": \"Enabled\", \"defaultAction\": \"Allow\", "
                + "\"ipRules\": [], \"trustedServiceAccessEnabled\": false}, \"privateEndpoints\": []}]}");
        assertThat(startFailure()).startsWith(file + ": namespaces[0].namespace: \"fabrikam\" (expected: a "
                + "namespace of the configuration");

        // An endpoint in a virtual network the document does not have: the model's own validation, with the file.
        Files.writeString(file, """
                {"version": 1, "virtualNetworks": [], "namespaces": [{"namespace": "contoso",
                 "ruleSet": {"publicNetworkAccess": "Enabled", "defaultAction": "Allow", "ipRules": [],
                  "trustedServiceAccessEnabled": false},
                 "privateEndpoints": [{"name": "pe", "region": "westeurope", "virtualNetwork": "gone",
                  "subnet": "default", "privateIpAddress": "127.10.0.4", "status": "Approved", "description": "",
                  "manualApproval": false, "privateDnsZoneGroup": true}]}]}""");
        assertThat(startFailure()).startsWith(file + ": namespaces.contoso.privateEndpoints.pe.virtualNetwork: "
                + "\"gone\"");
    }

    private String startFailure() {
        Throwable failure = catchThrowable(() -> start(true).close());
        assertThat(failure).isInstanceOf(UncheckedIOException.class).cause().isInstanceOf(IOException.class);
        return failure.getCause().getMessage();
    }

    /** A VNet, a manual endpoint then rejected, contoso's public access off, sandbox behind an IP rule. */
    private void changeEverything(TestGateway gateway) throws Exception {
        assertThat(send(gateway, "PUT", VNET, """
                {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.10.0.0/24"}}]}}""")
                .statusCode()).isEqualTo(201);
        assertThat(send(gateway, "PUT", ENDPOINT, """
                {"location": "westeurope", "properties": {"subnet": {"id": "%s/subnets/default"},
                 "manualPrivateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": "%s",
                 "groupIds": ["namespace"]}}]}}""".formatted(VNET, RELAY + "contoso")).statusCode()).isEqualTo(201);
        json(send(gateway, "PUT", RELAY + "contoso/privateEndpointConnections/manual-pe",
                connectionStateBody("Rejected")));
        json(send(gateway, "PUT", RELAY + "contoso/networkRuleSets/default",
                "{\"properties\": {\"publicNetworkAccess\": \"Disabled\"}}"));
        json(send(gateway, "PUT", RELAY + "sandbox/networkRuleSets/default", """
                {"properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "127.0.0.7", "action": "Allow"}]}}"""));
    }

    private TestGateway start(boolean persistent) {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(KEY_NAME, KEY, TestGateway.SECONDARY_KEY,
                EnumSet.allOf(AccessRight.class));
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig(ENTITY, true, List.of()));
        return TestGateway.builder()
                .namespaces(List.of(new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(root), echo),
                        new NamespaceConfig("contoso", CONTOSO_HOST, List.of(root), echo)), TestGateway.NAMESPACE)
                .dataDirectory(dataDirectory)
                .persistent(persistent)
                .start();
    }

    private static RawHttp.Response raw(String source, String destination, int port, String host) throws Exception {
        String token = SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(host, ENTITY), KEY_NAME,
                KEY, Instant.now().plus(Duration.ofHours(1)));
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(destination), port), 10_000);
            return RawHttp.exchange(socket, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=connect", host,
                    HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token));
        }
    }

    private static void assertIpRefusal(RawHttp.Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).startsWith(NetworkGuard.IP_REFUSED);
    }

    private HttpResponse<String> send(TestGateway gateway, String method, String path, String body) throws Exception {
        return ManagementApi.send(http, gateway, method, path, body);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ManagementApi.json(response, 200);
    }
}
