package dev.relaysim.relay.gateway.internal.management.arm;

import dev.relaysim.relay.gateway.internal.management.ManagementRequest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The subscription and resource group a request named. The gateway is one subscription with one resource group:
 * every name is accepted and means that one, and the ids in a response repeat the names of its request, so that a
 * script's own names come back to it. {@link #DEFAULT} is what the CLI and the documentation use.
 */
record ArmScope(String subscription, String resourceGroup) {

    static final ArmScope DEFAULT = new ArmScope("00000000-0000-0000-0000-000000000000", "relaysim");

    static final String SUBSCRIPTION_PARAMETER = "subscriptionId";
    static final String RESOURCE_GROUP_PARAMETER = "resourceGroupName";
    static final String PREFIX = "/subscriptions/{" + SUBSCRIPTION_PARAMETER + "}/resourceGroups/{"
            + RESOURCE_GROUP_PARAMETER + '}';

    private static final String SCOPE = "/subscriptions/[^/]+/resourceGroups/[^/]+";
    private static final Pattern NAMESPACE_ID = Pattern.compile(SCOPE
            + "/providers/Microsoft\\.Relay/namespaces/([^/]+)/?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SUBNET_ID = Pattern.compile(SCOPE
            + "/providers/Microsoft\\.Network/virtualNetworks/([^/]+)/subnets/([^/]+)/?", Pattern.CASE_INSENSITIVE);

    ArmScope {
        requireNonNull(subscription, "subscription");
        requireNonNull(resourceGroup, "resourceGroup");
    }

    static ArmScope of(ManagementRequest request) {
        return new ArmScope(request.pathParameters().get(SUBSCRIPTION_PARAMETER),
                request.pathParameters().get(RESOURCE_GROUP_PARAMETER));
    }

    /** A subnet named by its id: virtual network and subnet name. */
    record SubnetRef(String virtualNetwork, String subnet) {
    }

    /** {@code /subscriptions/<sub>/resourceGroups/<rg>}. */
    String prefix() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup;
    }

    String namespaceId(String namespace) {
        return prefix() + "/providers/Microsoft.Relay/namespaces/" + namespace;
    }

    String virtualNetworkId(String network) {
        return prefix() + "/providers/Microsoft.Network/virtualNetworks/" + network;
    }

    String subnetId(String network, String subnet) {
        return virtualNetworkId(network) + "/subnets/" + subnet;
    }

    String privateEndpointId(String endpoint) {
        return prefix() + "/providers/Microsoft.Network/privateEndpoints/" + endpoint;
    }

    /** The namespace name of a {@code Microsoft.Relay/namespaces} id of any subscription and group. */
    static Optional<String> namespaceOf(String id) {
        Matcher matcher = NAMESPACE_ID.matcher(id);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The virtual network and subnet of a subnet id of any subscription and group. */
    static Optional<SubnetRef> subnetOf(String id) {
        Matcher matcher = SUBNET_ID.matcher(id);
        return matcher.matches() ? Optional.of(new SubnetRef(matcher.group(1), matcher.group(2))) : Optional.empty();
    }
}
