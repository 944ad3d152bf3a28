package dev.relaysim.relay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's Private Link scenario driven through the management API as its PowerShell sequence drives ARM (create
 * the VNet and subnet, find the namespace, create the private endpoint with a connection to group
 * {@code namespace}, read the namespace's properties), then real traffic on loopback: a VM at 127.10.0.5 reaches
 * {@code contoso} through the endpoint at 127.10.0.4, the public front end refuses it, and the owner's approve and
 * reject take effect on live connections.
 */
@Timeout(60)
class PrivateLinkManagementIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONTOSO_HOST = "contoso.servicebus.windows.net";
    private static final String ENTITY = "echo";
    private static final String SCOPE = ManagementApi.SCOPE;
    private static final String CONTOSO = ManagementApi.RELAY_NAMESPACES + "contoso";
    private static final String VNET = ManagementApi.VIRTUAL_NETWORKS + "vnet1";
    private static final String ENDPOINTS = ManagementApi.PRIVATE_ENDPOINTS;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestGateway gateway;
    private SslContext sslContext;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final List<RelayWebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        gateway = TestGateway.builder().privateLinkScenario().start();
        sslContext = SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
    }

    @AfterEach
    void stop() {
        clients.forEach(RelayWebSocketClient::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theSeedSequenceThroughTheApiThenTrafficOnlyThroughTheEndpoint() throws Exception {
        // $vnet = New-AzVirtualNetwork ... -AddressPrefix 10.0.0.0/16 -Subnet (New-AzVirtualNetworkSubnetConfig ...)
        assertThat(send("PUT", VNET, """
                {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.10.0.0/24"}}]}}""").statusCode())
                .isEqualTo(201);
        // $namespace = Get-AzRelayNamespace (the namespace exists in the gateway's configuration)
        JsonNode namespace = json(send("GET", CONTOSO, null), 200);
        assertThat(namespace.at("/properties/privateEndpointConnections")).isEmpty();
        // New-AzPrivateLinkServiceConnection -PrivateLinkServiceId $namespace.Id -GroupId namespace;
        // New-AzPrivateEndpoint -Subnet $vnet.Subnets[0] -PrivateLinkServiceConnection $connection
        JsonNode endpoint = json(send("PUT", ENDPOINTS + "contoso-pe", endpointBody("privateLinkServiceConnections")),
                201);
        assertThat(endpoint.at("/properties/customDnsConfigs/0/ipAddresses/0").asText()).isEqualTo("127.10.0.4");
        // (Get-AzRelayNamespace ...).PrivateEndpointConnections
        namespace = json(send("GET", CONTOSO, null), 200);
        assertThat(namespace.at("/properties/publicNetworkAccess").asText()).isEqualTo("Disabled");
        assertThat(namespace.at("/properties/privateEndpointConnections/0/properties/"
                + "privateLinkServiceConnectionState/status").asText()).isEqualTo("Approved");
        InetAddress endpointAddress = InetAddress.getByName("127.10.0.4");
        assertThat(gateway.server().privateEndpointAddresses()).containsKey(endpointAddress);

        RelayWebSocketClient vm = client("127.10.0.5");
        RelayConnection control = vm.connect(uri("127.10.0.4", "listen"), authorization(), null, TIMEOUT).get();
        var sender = vm.connect(uri("127.10.0.4", "connect"), authorization(), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        assertThat(accept.address()).startsWith("wss://127.10.0.4:");
        RelayConnection listenerSide = vm.connect(URI.create(accept.address()), new DefaultHttpHeaders(), null,
                TIMEOUT).get();
        sender.get().sendText("through contoso-pe").get();
        assertThat(listenerSide.receive(TIMEOUT).asText()).isEqualTo("through contoso-pe");

        int plain = gateway.addresses().plainPort();
        assertIpRefusal(raw("127.0.0.1", "127.0.0.1", plain, "listen"));
        assertIpRefusal(raw("127.0.0.1", "127.0.0.1", plain, "connect"));
        assertIpRefusal(raw("127.12.0.9", "127.10.0.4", plain, "connect"));
    }

    @Test
    void aManualConnectionRefusesUntilApprovedAndRejectingItClosesARunningStream() throws Exception {
        send("PUT", VNET, """
                {"properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.10.0.0/24"}}]}}""");
        JsonNode endpoint = json(send("PUT", ENDPOINTS + "manual-pe",
                endpointBody("manualPrivateLinkServiceConnections")), 201);
        assertThat(endpoint.at("/properties/manualPrivateLinkServiceConnections/0/properties/"
                + "privateLinkServiceConnectionState/status").asText()).isEqualTo("Pending");
        int plain = gateway.addresses().plainPort();
        assertIpRefusal(raw("127.10.0.200", "127.10.0.4", plain, "connect"));

        String connection = CONTOSO + "/privateEndpointConnections/manual-pe";
        json(send("PUT", connection, ManagementApi.connectionStateBody("Approved")), 200);
        assertThat(raw("127.10.0.200", "127.10.0.4", plain, "connect").status())
                .isEqualTo(404); // admitted at once: past the network rules, no listener yet

        RelayWebSocketClient vm = client("127.10.0.200");
        RelayConnection control = vm.connect(uri("127.10.0.4", "listen"), authorization(), null, TIMEOUT).get();
        var senderFuture = vm.connect(uri("127.10.0.4", "connect"), authorization(), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        RelayConnection listenerSide = vm.connect(URI.create(accept.address()), new DefaultHttpHeaders(), null,
                TIMEOUT).get();
        RelayConnection sender = senderFuture.get();
        sender.sendText("before").get();
        assertThat(listenerSide.receive(TIMEOUT).asText()).isEqualTo("before");

        json(send("PUT", connection, ManagementApi.connectionStateBody("Rejected")), 200);

        RelayCloseStatus rejected = new RelayCloseStatus(1008, NetworkGuard.ENDPOINT_REJECTED);
        assertThat(sender.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(rejected);
        assertThat(listenerSide.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(rejected);
        assertThat(control.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(rejected);
        assertIpRefusal(raw("127.10.0.200", "127.10.0.4", plain, "connect"));
    }

    @Test
    void badInputsGetArmErrorsOverHttp() throws Exception {
        HttpResponse<String> missingKey = http.send(HttpRequest.newBuilder(management(CONTOSO)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missingKey.statusCode()).isEqualTo(401);
        assertThat(missingKey.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(JSON.readTree(missingKey.body()).at("/error/code").asText()).isEqualTo("AuthenticationFailed");
        assertThat(error(send("GET", SCOPE + "/providers/Microsoft.Relay/namespaces/nowhere-ns", null), 404))
                .isEqualTo("ResourceNotFound");
        assertThat(error(send("PUT", CONTOSO + "/networkRuleSets/default", "{\"properties\": "), 400))
                .isEqualTo("InvalidRequestContent");
        HttpResponse<String> badEnum = send("PUT", CONTOSO + "/networkRuleSets/default",
                "{\"properties\": {\"publicNetworkAccess\": \"Sometimes\"}}");
        assertThat(error(badEnum, 400)).isEqualTo("InvalidRequestContent");
        assertThat(badEnum.body()).contains("properties.publicNetworkAccess");
        assertThat(send("GET", CONTOSO, null).headers().firstValue("x-relaysim-version")).isPresent();
        // /health stays open.
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.addresses().managementPort() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private RelayWebSocketClient client(String source) throws Exception {
        RelayWebSocketClient client = new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), null,
                InetAddress.getByName(source));
        clients.add(client);
        return client;
    }

    private URI uri(String address, String action) {
        return URI.create("wss://" + address + ':' + gateway.addresses().tlsPort() + "/$hc/" + ENTITY
                + "?sb-hc-action=" + action);
    }

    private static HttpHeaders authorization() {
        return new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION, token());
    }

    private static String token() {
        return SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(CONTOSO_HOST, ENTITY), KEY_NAME,
                KEY, Instant.now().plus(Duration.ofHours(1)));
    }

    private static RawHttp.Response raw(String source, String destination, int port, String action)
            throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(destination), port), 10_000);
            return RawHttp.exchange(socket, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=" + action,
                    CONTOSO_HOST, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token()));
        }
    }

    private static void assertIpRefusal(RawHttp.Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).startsWith(NetworkGuard.IP_REFUSED);
    }

    private static String endpointBody(String connections) {
        return """
                {"location": "westeurope", "properties": {"subnet": {"id": "%s/subnets/default"},
                 "%s": [{"name": "contoso-connection", "properties": {"privateLinkServiceId": "%s",
                 "groupIds": ["namespace"]}}]}}""".formatted(VNET, connections, CONTOSO);
    }

    private URI management(String path) {
        return URI.create("http://127.0.0.1:" + gateway.addresses().managementPort() + path
                + "?api-version=2021-11-01");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return ManagementApi.send(http, gateway, method, path, body);
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        return ManagementApi.json(response, status);
    }

    private static String error(HttpResponse<String> response, int status) throws Exception {
        return json(response, status).at("/error/code").asText();
    }
}
