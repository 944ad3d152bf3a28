package dev.relaysim.relay.gateway.internal.management.arm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;

import java.util.Collection;
import java.util.Locale;

/**
 * The ARM representations of the resources, in the shapes of the Azure REST specs (Microsoft.Relay 2021-11-01,
 * Microsoft.Network privateEndpoints and virtualNetworks): {@code id}, {@code name}, {@code type}, {@code location}
 * where the resource has one, {@code properties} with {@code provisioningState} {@code Succeeded} (every change
 * completes before the response).
 */
final class ArmJson {

    static final String GROUP_ID = "namespace";
    static final String PRIVATE_DNS_ZONE = "privatelink.servicebus.windows.net";
    static final String SUCCEEDED = "Succeeded";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ArmJson() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** {@code {"value":[...]}}, ARM's list shape. */
    static ObjectNode list(Collection<ObjectNode> items) {
        ObjectNode list = object();
        list.putArray("value").addAll(items);
        return list;
    }

    static ObjectNode resource(String id, String name, String type, String location) {
        ObjectNode resource = object();
        resource.put("id", id);
        resource.put("name", name);
        resource.put("type", type);
        if (location != null) {
            resource.put("location", location);
        }
        return resource;
    }

    /** {@code 10.0.0.4/32} as {@code 10.0.0.4}, as IP rules and static addresses are written. */
    static String mask(Ipv4Prefix prefix) {
        String text = prefix.toString();
        return prefix.length() == 32 ? text.substring(0, text.indexOf('/')) : text;
    }

    static ObjectNode namespace(ArmScope scope, NamespaceConfig namespace, NetworkModel model) {
        ObjectNode json = resource(scope.namespaceId(namespace.name()), namespace.name(), "Microsoft.Relay/Namespaces",
                namespace.region());
        ObjectNode sku = json.putObject("sku");
        sku.put("name", "Standard");
        sku.put("tier", "Standard");
        json.putObject("tags");
        ObjectNode properties = json.putObject("properties");
        properties.put("provisioningState", SUCCEEDED);
        properties.put("status", "Active");
        properties.put("serviceBusEndpoint", "https://" + namespace.hostName() + ":443/");
        properties.put("metricId", scope.subscription() + ':' + namespace.name().toLowerCase(Locale.ROOT));
        properties.put("publicNetworkAccess", model.namespace(namespace.name()).ruleSet().publicNetworkAccess()
                .wireName());
        ArrayNode connections = properties.putArray("privateEndpointConnections");
        for (PrivateEndpoint endpoint : model.namespace(namespace.name()).privateEndpoints()) {
            connections.add(connection(scope, namespace, endpoint));
        }
        return json;
    }

    /** The provider side: {@code Microsoft.Relay/Namespaces/PrivateEndpointConnections}. */
    static ObjectNode connection(ArmScope scope, NamespaceConfig namespace, PrivateEndpoint endpoint) {
        ObjectNode json = resource(scope.namespaceId(namespace.name()) + "/privateEndpointConnections/"
                + endpoint.name(), endpoint.name(), "Microsoft.Relay/Namespaces/PrivateEndpointConnections",
                namespace.region());
        ObjectNode properties = json.putObject("properties");
        properties.putObject("privateEndpoint").put("id", scope.privateEndpointId(endpoint.name()));
        ObjectNode state = properties.putObject("privateLinkServiceConnectionState");
        state.put("status", endpoint.status().wireName());
        state.put("description", endpoint.description());
        properties.put("provisioningState", SUCCEEDED);
        return json;
    }

    static ObjectNode privateLinkResource(ArmScope scope, NamespaceConfig namespace) {
        ObjectNode json = resource(scope.namespaceId(namespace.name()) + "/privateLinkResources/" + GROUP_ID,
                GROUP_ID, "Microsoft.Relay/namespaces/privateLinkResources", null);
        ObjectNode properties = json.putObject("properties");
        properties.put("groupId", GROUP_ID);
        properties.putArray("requiredMembers").add(GROUP_ID);
        properties.putArray("requiredZoneNames").add(PRIVATE_DNS_ZONE);
        return json;
    }

    static ObjectNode networkRuleSet(ArmScope scope, NamespaceConfig namespace, NetworkRuleSet rules) {
        ObjectNode json = resource(scope.namespaceId(namespace.name()) + "/networkRuleSets/default", "default",
                "Microsoft.Relay/Namespaces/NetworkRuleSets", namespace.region());
        ObjectNode properties = json.putObject("properties");
        properties.put("publicNetworkAccess", rules.publicNetworkAccess().wireName());
        properties.put("defaultAction", rules.defaultAction().wireName());
        ArrayNode ipRules = properties.putArray("ipRules");
        for (Ipv4Prefix rule : rules.ipRules()) {
            ObjectNode ipRule = ipRules.addObject();
            ipRule.put("ipMask", mask(rule));
            ipRule.put("action", "Allow");
        }
        properties.put("trustedServiceAccessEnabled", rules.trustedServiceAccessEnabled());
        return json;
    }

    static ObjectNode virtualNetwork(ArmScope scope, VirtualNetwork network, NetworkModel model) {
        ObjectNode json = resource(scope.virtualNetworkId(network.name()), network.name(),
                "Microsoft.Network/virtualNetworks", network.region());
        ObjectNode properties = json.putObject("properties");
        properties.put("provisioningState", SUCCEEDED);
        ArrayNode prefixes = properties.putObject("addressSpace").putArray("addressPrefixes");
        network.addressPrefixes().forEach(prefix -> prefixes.add(prefix.toString()));
        ArrayNode subnets = properties.putArray("subnets");
        for (Subnet subnet : network.subnets()) {
            ObjectNode subnetJson = resource(scope.subnetId(network.name(), subnet.name()), subnet.name(),
                    "Microsoft.Network/virtualNetworks/subnets", null);
            ObjectNode subnetProperties = subnetJson.putObject("properties");
            subnetProperties.put("provisioningState", SUCCEEDED);
            subnetProperties.put("addressPrefix", subnet.addressPrefix().toString());
            ArrayNode endpoints = subnetProperties.putArray("privateEndpoints");
            for (NetworkModel.Owned owned : model.privateEndpointsByAddress().values()) {
                PrivateEndpoint endpoint = owned.endpoint();
                if (endpoint.virtualNetwork().equalsIgnoreCase(network.name())
                        && endpoint.subnet().equalsIgnoreCase(subnet.name())) {
                    endpoints.addObject().put("id", scope.privateEndpointId(endpoint.name()));
                }
            }
            subnets.add(subnetJson);
        }
        properties.putArray("virtualNetworkPeerings");
        return json;
    }

    /**
     * The consumer side: {@code Microsoft.Network/privateEndpoints}, its one connection under
     * {@code privateLinkServiceConnections} (auto-approved) or {@code manualPrivateLinkServiceConnections}, its
     * address in {@code customDnsConfigs} and {@code ipConfigurations}.
     */
    static ObjectNode privateEndpoint(ArmScope scope, NamespaceConfig namespace, PrivateEndpoint endpoint) {
        String id = scope.privateEndpointId(endpoint.name());
        ObjectNode json = resource(id, endpoint.name(), "Microsoft.Network/privateEndpoints", endpoint.region());
        ObjectNode properties = json.putObject("properties");
        properties.put("provisioningState", SUCCEEDED);
        properties.putObject("subnet").put("id", scope.subnetId(endpoint.virtualNetwork(), endpoint.subnet()));
        properties.putArray("networkInterfaces").addObject().put("id", scope.prefix()
                + "/providers/Microsoft.Network/networkInterfaces/" + endpoint.name() + ".nic");
        ObjectNode connection = resource(id + "/privateLinkServiceConnections/" + endpoint.name(), endpoint.name(),
                "Microsoft.Network/privateEndpoints/privateLinkServiceConnections", null);
        ObjectNode connectionProperties = connection.putObject("properties");
        connectionProperties.put("provisioningState", SUCCEEDED);
        connectionProperties.put("privateLinkServiceId", scope.namespaceId(namespace.name()));
        connectionProperties.putArray("groupIds").add(GROUP_ID);
        if (endpoint.manualApproval()) {
            connectionProperties.put("requestMessage", endpoint.description());
        }
        ObjectNode state = connectionProperties.putObject("privateLinkServiceConnectionState");
        state.put("status", endpoint.status().wireName());
        state.put("description", endpoint.description());
        state.put("actionsRequired", "None");
        ArrayNode automatic = properties.putArray("privateLinkServiceConnections");
        ArrayNode manual = properties.putArray("manualPrivateLinkServiceConnections");
        (endpoint.manualApproval() ? manual : automatic).add(connection);
        String address = endpoint.privateIpAddress().getHostAddress();
        ObjectNode dns = properties.putArray("customDnsConfigs").addObject();
        dns.put("fqdn", namespace.hostName());
        dns.putArray("ipAddresses").add(address);
        ObjectNode ipConfiguration = properties.putArray("ipConfigurations").addObject();
        ipConfiguration.put("name", endpoint.name() + ".ipconfig");
        ObjectNode ipProperties = ipConfiguration.putObject("properties");
        ipProperties.put("groupId", GROUP_ID);
        ipProperties.put("memberName", GROUP_ID);
        ipProperties.put("privateIPAddress", address);
        return json;
    }
}
