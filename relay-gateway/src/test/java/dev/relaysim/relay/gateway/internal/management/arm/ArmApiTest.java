package dev.relaysim.relay.gateway.internal.management.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes;
import dev.relaysim.relay.gateway.network.Admission;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ARM-shaped API called through its route table, without sockets: shapes, the admin key, api-versions, every
 * kind of refusal, Azure's limits, and that every change lands in the {@link NetworkState}.
 */
class ArmApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCOPE = "/subscriptions/sub-1/resourceGroups/rg-1";
    private static final String RELAY = SCOPE + "/providers/Microsoft.Relay/namespaces/";
    private static final String NETWORK = SCOPE + "/providers/Microsoft.Network/";
    private static final String SUBNET_ID = "/subscriptions/other/resourceGroups/elsewhere/providers/"
            + "Microsoft.Network/virtualNetworks/vnet1/subnets/default";
    private static final String CONTOSO_ID = "/subscriptions/other/resourceGroups/elsewhere/providers/"
            + "Microsoft.Relay/namespaces/contoso";
    private static final String VNET = """
            {"location": "West Europe", "properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
             "subnets": [{"name": "default", "properties": {"addressPrefix": "127.10.0.0/24"}}]}}""";

    private GatewayConfig config;
    private NetworkState state;
    private ManagementRoutes routes;
    private final AtomicInteger changes = new AtomicInteger();

    @BeforeEach
    void setUp() {
        start(List.of(namespace("sandbox", PublicNetworkAccess.ENABLED), namespace("contoso",
                PublicNetworkAccess.DISABLED)));
    }

    @Test
    void theSeedSequenceMapsOneCallToOneCall() throws Exception {
        // New-AzVirtualNetwork with a subnet
        JsonNode network = json(call("PUT", NETWORK + "virtualNetworks/vnet1", VNET), 201);
        assertThat(network.path("id").asText()).isEqualTo(NETWORK + "virtualNetworks/vnet1");
        assertThat(network.path("location").asText()).isEqualTo("westeurope");
        assertThat(network.at("/properties/subnets/0/properties/addressPrefix").asText()).isEqualTo("127.10.0.0/24");
        // Get-AzRelayNamespace: it exists (namespaces come from the configuration)
        JsonNode namespace = json(call("GET", RELAY + "contoso", null), 200);
        assertThat(namespace.at("/properties/publicNetworkAccess").asText()).isEqualTo("Disabled");
        // New-AzPrivateLinkServiceConnection -GroupId namespace + New-AzPrivateEndpoint
        JsonNode endpoint = json(call("PUT", NETWORK + "privateEndpoints/contoso-pe",
                endpointBody("privateLinkServiceConnections", "westeurope", "")), 201);
        assertThat(endpoint.path("type").asText()).isEqualTo("Microsoft.Network/privateEndpoints");
        assertThat(endpoint.at("/properties/subnet/id").asText())
                .isEqualTo(NETWORK + "virtualNetworks/vnet1/subnets/default");
        JsonNode connection = endpoint.at("/properties/privateLinkServiceConnections/0/properties");
        assertThat(connection.path("privateLinkServiceId").asText()).isEqualTo(RELAY + "contoso");
        assertThat(connection.path("groupIds").toString()).isEqualTo("[\"namespace\"]");
        assertThat(connection.at("/privateLinkServiceConnectionState/status").asText()).isEqualTo("Approved");
        assertThat(endpoint.at("/properties/customDnsConfigs/0/fqdn").asText())
                .isEqualTo("contoso.servicebus.windows.net");
        assertThat(endpoint.at("/properties/customDnsConfigs/0/ipAddresses/0").asText()).isEqualTo("127.10.0.4");
        // (Get-AzRelayNamespace).PrivateEndpointConnections
        namespace = json(call("GET", RELAY + "contoso", null), 200);
        JsonNode inline = namespace.at("/properties/privateEndpointConnections/0");
        assertThat(inline.path("id").asText()).isEqualTo(RELAY + "contoso/privateEndpointConnections/contoso-pe");
        assertThat(inline.path("type").asText()).isEqualTo("Microsoft.Relay/Namespaces/PrivateEndpointConnections");
        assertThat(inline.at("/properties/privateEndpoint/id").asText())
                .isEqualTo(NETWORK + "privateEndpoints/contoso-pe");
        assertThat(inline.at("/properties/privateLinkServiceConnectionState/status").asText()).isEqualTo("Approved");
        assertThat(inline.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");

        assertThat(state.current().namespace("contoso").privateEndpoint("contoso-pe").orElseThrow()
                .privateIpAddress().getHostAddress()).isEqualTo("127.10.0.4");
        assertThat(admit("127.10.0.4", "127.10.0.5")).isInstanceOf(Admission.Allowed.class);
        assertThat(changes).hasValue(2);
        assertThat(json(call("GET", NETWORK + "virtualNetworks/vnet1", null), 200)
                .at("/properties/subnets/0/properties/privateEndpoints/0/id").asText())
                .isEqualTo(NETWORK + "privateEndpoints/contoso-pe");
        assertThat(json(call("GET", NETWORK + "privateEndpoints", null), 200).path("value")).hasSize(1);
        // The same PUT again answers the endpoint unchanged.
        assertThat(json(call("PUT", NETWORK + "privateEndpoints/contoso-pe",
                endpointBody("privateLinkServiceConnections", "westeurope", "")), 200)
                .at("/properties/customDnsConfigs/0/ipAddresses/0").asText()).isEqualTo("127.10.0.4");
    }

    @Test
    void aManualConnectionIsPendingUntilTheOwnerApprovesRejectsOrRemovesIt() throws Exception {
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        JsonNode endpoint = json(call("PUT", NETWORK + "privateEndpoints/manual-pe",
                endpointBody("manualPrivateLinkServiceConnections", "westeurope", "please approve")), 201);
        assertThat(endpoint.at("/properties/privateLinkServiceConnections")).isEmpty();
        JsonNode manual = endpoint.at("/properties/manualPrivateLinkServiceConnections/0/properties");
        assertThat(manual.at("/privateLinkServiceConnectionState/status").asText()).isEqualTo("Pending");
        assertThat(manual.path("requestMessage").asText()).isEqualTo("please approve");
        String connection = RELAY + "contoso/privateEndpointConnections/manual-pe";
        assertThat(json(call("GET", connection, null), 200)
                .at("/properties/privateLinkServiceConnectionState/description").asText()).isEqualTo("please approve");
        assertThat(admit("127.10.0.4", "127.10.0.5")).isInstanceOf(Admission.Refused.class);

        JsonNode approved = json(call("PUT", connection, stateBody("Approved", "ok")), 200);
        assertThat(approved.at("/properties/privateLinkServiceConnectionState/status").asText()).isEqualTo("Approved");
        assertThat(admit("127.10.0.4", "127.10.0.5")).isInstanceOf(Admission.Allowed.class);

        json(call("PUT", connection, stateBody("rejected", "no")), 200);
        assertThat(status("manual-pe")).isEqualTo(ConnectionStatus.REJECTED);
        assertThat(error(call("PUT", connection, stateBody("Pending", "")), 400, "BadRequest"))
                .contains("properties.privateLinkServiceConnectionState.status");

        JsonNode removed = json(call("DELETE", connection, null), 200);
        assertThat(removed.at("/properties/privateLinkServiceConnectionState/status").asText())
                .isEqualTo("Disconnected");
        assertThat(admit("127.10.0.4", "127.10.0.5")).isInstanceOf(Admission.Refused.class);
        assertThat(error(call("PUT", connection, stateBody("Approved", "")), 400, "BadRequest"))
                .contains("was removed");
        assertThat(json(call("GET", RELAY + "contoso/privateEndpointConnections", null), 200).path("value"))
                .hasSize(1);

        assertThat(call("DELETE", NETWORK + "privateEndpoints/manual-pe", null).status().code()).isEqualTo(200);
        assertThat(state.current().namespace("contoso").privateEndpoints()).isEmpty();
        assertThat(call("DELETE", NETWORK + "privateEndpoints/manual-pe", null).status().code()).isEqualTo(204);
        assertThat(call("DELETE", connection, null).status().code()).isEqualTo(204);
        assertThat(call("DELETE", NETWORK + "virtualNetworks/vnet1", null).status().code()).isEqualTo(200);
        assertThat(state.current().virtualNetworks()).isEmpty();
    }

    @Test
    void theAdminKeyGuardsEveryArmRoute() throws Exception {
        ManagementResponse missing = call("GET", RELAY + "contoso", null, null, "2021-11-01");
        assertThat(error(missing, 401, "AuthenticationFailed")).contains("'Authorization' header is missing");
        assertThat(missing.headers()).containsEntry("www-authenticate", "Bearer");
        error(call("GET", RELAY + "contoso", null, "Bearer wrong", "2021-11-01"), 401, "InvalidAuthenticationToken");
        error(call("GET", RELAY + "contoso", null, "Basic " + ListenSettings.DEFAULT_ADMIN_KEY, "2021-11-01"), 401,
                "InvalidAuthenticationToken");
        error(call("PUT", NETWORK + "virtualNetworks/vnet1", VNET, null, "2021-11-01"), 401, "AuthenticationFailed");
        assertThat(state.current().virtualNetworks()).isEmpty();
    }

    @Test
    void anyApiVersionIsAcceptedAndUnknownOnesGetAWarning() {
        assertThat(call("GET", RELAY + "contoso", null, auth(), "2021-11-01").headers()).doesNotContainKey("warning");
        assertThat(call("GET", RELAY + "contoso", null, auth(), "2018-01-01-preview").headers())
                .doesNotContainKey("warning");
        assertThat(call("GET", NETWORK + "privateEndpoints", null, auth(), "2023-09-01").headers())
                .doesNotContainKey("warning");
        ManagementResponse unknown = call("GET", RELAY + "contoso", null, auth(), "2099-01-01");
        assertThat(unknown.status().code()).isEqualTo(200);
        assertThat(unknown.headers().get("warning")).startsWith("299 relaysim \"api-version 2099-01-01 is not one "
                + "relaysim knows for Microsoft.Relay");
        assertThat(call("GET", RELAY + "contoso", null, auth(), null).headers().get("warning"))
                .contains("no api-version given");
        assertThat(call("GET", NETWORK + "privateEndpoints", null, auth(), "2018-01-01").headers().get("warning"))
                .contains("2019-04-01 and later");
    }

    @Test
    void badInputsAreRefusedNamingTheField() throws Exception {
        error(call("GET", RELAY + "nowhere-ns", null), 404, "ResourceNotFound");
        error(call("GET", RELAY + "contoso/privateEndpointConnections/none", null), 404, "ResourceNotFound");
        error(call("GET", RELAY + "contoso/networkRuleSets/other", null), 404, "ResourceNotFound");
        error(call("GET", RELAY + "contoso/hybridConnections/none", null), 404, "ResourceNotFound");
        error(call("GET", NETWORK + "virtualNetworks/none", null), 404, "ResourceNotFound");
        assertThat(error(call("PUT", RELAY + "contoso/networkRuleSets/default", "{\"properties\": {"), 400,
                "InvalidRequestContent")).contains("could not be deserialized").contains("line 1");
        error(call("PUT", RELAY + "contoso/networkRuleSets/default", ""), 400, "InvalidRequestContent");
        error(call("PUT", RELAY + "contoso/networkRuleSets/default", "[]"), 400, "InvalidRequestContent");
        assertThat(error(call("PUT", RELAY + "contoso/networkRuleSets/default",
                "{\"properties\": {\"defaultAction\": \"Maybe\"}}"), 400, "InvalidRequestContent"))
                .contains("properties.defaultAction: \"Maybe\" (expected: Allow or Deny)");
        assertThat(error(call("PUT", RELAY + "contoso/networkRuleSets/default",
                "{\"properties\": {\"publicNetworkAccess\": 3}}"), 400, "InvalidRequestContent"))
                .contains("properties.publicNetworkAccess: 3 (expected: a string)");
        assertThat(error(call("PUT", RELAY + "contoso/networkRuleSets/default",
                "{\"properties\": {\"ipRules\": [{\"ipMask\": \"1.2.3.4\"}, {\"ipMask\": \"10.0.0.1/8\"}]}}"), 400,
                "InvalidRequestContent")).contains("properties.ipRules[1].ipMask");
        assertThat(error(call("PUT", RELAY + "contoso/networkRuleSets/default",
                "{\"properties\": {\"ipRules\": [{\"ipMask\": \"1.2.3.4\", \"action\": \"Deny\"}]}}"), 400,
                "BadRequest")).contains("properties.ipRules[0].action");
        assertThat(error(call("PUT", RELAY + "contoso/privateEndpointConnections/x",
                stateBody("Approved", "")), 404, "ResourceNotFound")).contains("privateEndpointConnections/x");
        assertThat(error(call("PUT", NETWORK + "virtualNetworks/vnet1", """
                {"properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.11.0.0/24"}}]}}"""), 400,
                "BadRequest")).contains("properties.subnets.default.addressPrefix");
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections",
                "westeurope", "").replace("\"namespace\"]", "\"sites\"]")), 400, "BadRequest"))
                .contains("properties.privateLinkServiceConnections[0].properties.groupIds");
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections",
                "westeurope", "").replace(SUBNET_ID, "/subnets/default")), 400, "LinkedInvalidPropertyId"))
                .contains("properties.subnet.id");
        error(call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections",
                "westeurope", "").replace("vnet1/subnets/default", "vnet1/subnets/other")), 400,
                "InvalidResourceReference");
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections",
                "westeurope", "").replace("namespaces/contoso", "namespaces/nowhere-ns")), 400,
                "InvalidResourceReference")).contains("namespaces/nowhere-ns");
        assertThat(changes).hasValue(1);
        assertThat(state.current().namespace("contoso").ruleSet()).isEqualTo(new NetworkRuleSet(
                PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false));
    }

    @Test
    void anEndpointOutsideItsVirtualNetworksRegionIsRefusedAsAzureRefusesIt() throws Exception {
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections",
                "eastus", "")), 400, "InvalidResourceReference")).contains("location eastus")
                .contains("same region");
        assertThat(state.current().namespace("contoso").privateEndpoints()).isEmpty();
    }

    @Test
    void aVirtualNetworkWithAnEndpointCannotBeDeleted() throws Exception {
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        call("PUT", NETWORK + "privateEndpoints/pe", endpointBody("privateLinkServiceConnections", "westeurope", ""));
        assertThat(error(call("DELETE", NETWORK + "virtualNetworks/vnet1", null), 400, "InUseSubnetCannotBeDeleted"))
                .contains(NETWORK + "privateEndpoints/pe");
        assertThat(state.current().virtualNetwork("vnet1")).isPresent();
        assertThat(call("DELETE", NETWORK + "virtualNetworks/none", null).status().code()).isEqualTo(204);
    }

    @Test
    void aStaticAddressIsTakenAndOneOutsideTheSubnetRefused() throws Exception {
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        String body = endpointBody("privateLinkServiceConnections", "westeurope", "");
        String withAddress = body.substring(0, body.length() - 2)
                + ", \"ipConfigurations\": [{\"properties\": {\"privateIPAddress\": \"%s\"}}]}}";
        assertThat(json(call("PUT", NETWORK + "privateEndpoints/pe", withAddress.formatted("127.10.0.40")), 201)
                .at("/properties/customDnsConfigs/0/ipAddresses/0").asText()).isEqualTo("127.10.0.40");
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe2", withAddress.formatted("127.10.1.4")), 400,
                "BadRequest")).contains("properties.ipConfigurations");
    }

    @Test
    void the65thEndpointOfANamespaceIsRefusedWithAQuotaError() throws Exception {
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        for (int i = 1; i <= 64; i++) {
            json(call("PUT", NETWORK + "privateEndpoints/pe-" + i,
                    endpointBody("privateLinkServiceConnections", "westeurope", "")), 201);
        }
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe-65",
                endpointBody("privateLinkServiceConnections", "westeurope", "")), 409, "QuotaExceeded"))
                .contains("at most 64 private endpoints per namespace");
        assertThat(state.current().namespace("contoso").privateEndpoints()).hasSize(64);
    }

    @Test
    void the65thNamespaceWithEndpointsIsRefusedWithAQuotaError() throws Exception {
        List<NamespaceConfig> namespaces = new ArrayList<>();
        for (int i = 1; i <= 65; i++) {
            namespaces.add(namespace("tenant-%02d".formatted(i), PublicNetworkAccess.DISABLED));
        }
        start(namespaces);
        call("PUT", NETWORK + "virtualNetworks/vnet1", VNET);
        for (int i = 1; i <= 64; i++) {
            json(call("PUT", NETWORK + "privateEndpoints/pe-" + i, endpointBody("privateLinkServiceConnections",
                    "westeurope", "").replace("namespaces/contoso", "namespaces/tenant-%02d".formatted(i))), 201);
        }
        assertThat(error(call("PUT", NETWORK + "privateEndpoints/pe-65", endpointBody(
                "privateLinkServiceConnections", "westeurope", "").replace("namespaces/contoso",
                "namespaces/tenant-65")), 409, "QuotaExceeded"))
                .contains("at most 64 namespaces with private endpoints per subscription");
        assertThat(state.current().namespace("tenant-65").privateEndpoints()).isEmpty();
    }

    @Test
    void theNetworkRuleSetChangesWhatItNamesAndKeepsTheRest() throws Exception {
        String path = RELAY + "sandbox/networkRuleSets/default";
        JsonNode ruleSet = json(call("PUT", path, """
                {"properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "127.13.0.0/24", "action": "Allow"},
                 {"ipMask": "127.14.0.7"}], "trustedServiceAccessEnabled": "True"}}"""), 200);
        assertThat(ruleSet.path("id").asText()).isEqualTo(path);
        assertThat(ruleSet.path("type").asText()).isEqualTo("Microsoft.Relay/Namespaces/NetworkRuleSets");
        assertThat(ruleSet.at("/properties/ipRules").toString()).isEqualTo("[{\"ipMask\":\"127.13.0.0/24\","
                + "\"action\":\"Allow\"},{\"ipMask\":\"127.14.0.7\",\"action\":\"Allow\"}]");
        assertThat(ruleSet.at("/properties/publicNetworkAccess").asText()).isEqualTo("Enabled");
        assertThat(ruleSet.at("/properties/trustedServiceAccessEnabled").asBoolean()).isTrue();
        assertThat(admit("127.0.0.1", "127.13.0.9", "sandbox")).isInstanceOf(Admission.Allowed.class);
        assertThat(admit("127.0.0.1", "127.15.0.9", "sandbox")).isInstanceOf(Admission.TrustedServicesOnly.class);

        json(call("PUT", path, "{\"properties\": {\"publicNetworkAccess\": \"Disabled\"}}"), 200);
        assertThat(state.current().namespace("sandbox").ruleSet()).isEqualTo(new NetworkRuleSet(
                PublicNetworkAccess.DISABLED, DefaultAction.DENY, ruleSet.at("/properties/ipRules").findValuesAsText(
                "ipMask").stream().map(Ipv4Prefix::parse).toList(), true));
        assertThat(json(call("GET", RELAY + "sandbox", null), 200).at("/properties/publicNetworkAccess").asText())
                .isEqualTo("Disabled");
        assertThat(json(call("PUT", RELAY + "sandbox", "{\"location\": \"westeurope\", \"properties\": "
                + "{\"publicNetworkAccess\": \"Enabled\"}}"), 200).at("/properties/publicNetworkAccess").asText())
                .isEqualTo("Enabled");
        assertThat(json(call("GET", RELAY + "sandbox/networkRuleSets", null), 200).path("value")).hasSize(1);
        assertThat(error(call("PUT", RELAY + "sandbox", "{\"location\": \"northeurope\"}"), 400,
                "BadRequest")).contains("a namespace cannot move");
    }

    @Test
    void privateLinkResourcesHybridConnectionsAndAuthorizationRulesAreShown() throws Exception {
        JsonNode resources = json(call("GET", RELAY + "contoso/privateLinkResources", null), 200);
        JsonNode resource = resources.at("/value/0");
        assertThat(resource.path("name").asText()).isEqualTo("namespace");
        assertThat(resource.path("type").asText()).isEqualTo("Microsoft.Relay/namespaces/privateLinkResources");
        assertThat(resource.at("/properties/groupId").asText()).isEqualTo("namespace");
        assertThat(resource.at("/properties/requiredMembers").toString()).isEqualTo("[\"namespace\"]");
        assertThat(resource.at("/properties/requiredZoneNames").toString())
                .isEqualTo("[\"privatelink.servicebus.windows.net\"]");
        assertThat(json(call("GET", RELAY + "contoso/privateLinkResources/namespace", null), 200)).isEqualTo(resource);
        error(call("GET", RELAY + "contoso/privateLinkResources/sites", null), 404, "ResourceNotFound");

        JsonNode echo = json(call("GET", RELAY + "contoso/hybridConnections/echo", null), 200);
        assertThat(echo.path("type").asText()).isEqualTo("Microsoft.Relay/Namespaces/HybridConnections");
        assertThat(echo.at("/properties/listenerCount").asInt()).isZero();
        assertThat(echo.at("/properties/requiresClientAuthorization").asBoolean()).isTrue();
        assertThat(json(call("GET", RELAY + "contoso/hybridConnections", null), 200).path("value")).hasSize(1);

        JsonNode rule = json(call("GET", RELAY + "contoso/authorizationRules/RootManageSharedAccessKey", null), 200);
        assertThat(rule.path("type").asText()).isEqualTo("Microsoft.Relay/Namespaces/AuthorizationRules");
        assertThat(rule.at("/properties/rights").toString()).isEqualTo("[\"Listen\",\"Send\",\"Manage\"]");
        JsonNode keys = json(call("POST", RELAY + "contoso/authorizationRules/RootManageSharedAccessKey/listKeys",
                null), 200);
        assertThat(keys.path("primaryConnectionString").asText()).isEqualTo("Endpoint=sb://contoso.servicebus.windows"
                + ".net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + TestGateway.KEY);
        assertThat(keys.path("secondaryKey").asText()).isEqualTo(TestGateway.SECONDARY_KEY);
        assertThat(keys.path("keyName").asText()).isEqualTo("RootManageSharedAccessKey");
        JsonNode entityKeys = json(call("POST", RELAY + "contoso/hybridConnections/echo/authorizationRules/"
                + "echo-send/listKeys", null), 200);
        assertThat(entityKeys.path("primaryConnectionString").asText()).endsWith(";EntityPath=echo");
        assertThat(json(call("GET", RELAY + "contoso/hybridConnections/echo/authorizationRules", null), 200)
                .at("/value/0/type").asText()).isEqualTo("Microsoft.Relay/Namespaces/HybridConnections/"
                + "AuthorizationRules");
        error(call("POST", RELAY + "contoso/authorizationRules/nobody/listKeys", null), 404, "ResourceNotFound");
    }

    private void start(List<NamespaceConfig> namespaces) {
        config = new GatewayConfig(new ListenSettings("127.0.0.1", true, 0, true, 0, new PortRange(9400, 9401),
                true, 0), TestGateway.defaultProtocol(), Path.of("unused"), namespaces.get(0).name(), namespaces);
        state = new NetworkState(config.networkModel());
        changes.set(0);
        state.onChange(model -> changes.incrementAndGet());
        routes = new ArmApi(config, new NamespaceRegistry(config), state).addRoutes(ManagementRoutes.builder())
                .build();
    }

    private static NamespaceConfig namespace(String name, PublicNetworkAccess access) {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(TestGateway.KEY_NAME, TestGateway.KEY,
                TestGateway.SECONDARY_KEY, EnumSet.allOf(AccessRight.class));
        AuthorizationRuleConfig send = new AuthorizationRuleConfig("echo-send", "c2VuZA==", "c2VuZA==",
                EnumSet.of(AccessRight.SEND));
        return new NamespaceConfig(name, null, List.of(root), List.of(new HybridConnectionConfig("echo", true,
                List.of(send))), "westeurope", new NetworkRuleSet(access, DefaultAction.ALLOW, List.of(), false),
                List.of());
    }

    private static String endpointBody(String connections, String location, String requestMessage) {
        return """
                {"location": "%s", "properties": {"subnet": {"id": "%s"}, "%s": [{"name": "connection",
                 "properties": {"privateLinkServiceId": "%s", "requestMessage": "%s", "groupIds": ["namespace"]}}]}}"""
                .formatted(location, SUBNET_ID, connections, CONTOSO_ID, requestMessage);
    }

    private static String stateBody(String status, String description) {
        return "{\"properties\": {\"privateLinkServiceConnectionState\": {\"status\": \"" + status
                + "\", \"description\": \"" + description + "\"}}}";
    }

    private ConnectionStatus status(String endpoint) {
        return state.current().namespace("contoso").privateEndpoint(endpoint).orElseThrow().status();
    }

    private Admission admit(String local, String remote) throws Exception {
        return admit(local, remote, "contoso");
    }

    private Admission admit(String local, String remote, String namespace) throws Exception {
        NetworkModel model = state.current();
        return model.admit(namespace, InetAddress.getByName(local), InetAddress.getByName(remote));
    }

    private static String auth() {
        return "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY;
    }

    private ManagementResponse call(String method, String path, String body) {
        return call(method, path, body, auth(), "2021-11-01");
    }

    private ManagementResponse call(String method, String path, String body, String authorization,
                                    String apiVersion) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }
        String uri = path + (apiVersion == null ? "" : "?api-version=" + apiVersion);
        QueryStringDecoder target = new QueryStringDecoder(uri);
        ManagementRoutes.Match match = routes.match(HttpMethod.valueOf(method), target.path());
        assertThat(match).as(method + ' ' + path).isInstanceOf(ManagementRoutes.Match.Found.class);
        ManagementRoutes.Match.Found found = (ManagementRoutes.Match.Found) match;
        return found.handler().handle(new ManagementRequest(HttpMethod.valueOf(method), target.path(),
                found.pathParameters(), target.parameters(), headers, body == null ? "" : body));
    }

    private static JsonNode json(ManagementResponse response, int status) throws Exception {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.status().code()).as(body).isEqualTo(status);
        assertThat(response.headers()).containsKey("x-ms-request-id");
        return JSON.readTree(body);
    }

    /** The error message, after checking the status and code. */
    private static String error(ManagementResponse response, int status, String code) throws Exception {
        JsonNode error = json(response, status).path("error");
        assertThat(error.path("code").asText()).as(error.toString()).isEqualTo(code);
        return error.path("message").asText();
    }
}
