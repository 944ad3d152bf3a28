package dev.relaysim.relay.gateway.network;

import java.net.Inet4Address;

import static java.util.Objects.requireNonNull;

/**
 * A private endpoint of a namespace: its place (virtual network, subnet, private IP, region) and the state of its
 * connection to the namespace.
 *
 * @param manualApproval whether it was requested as a manual connection (starts {@code Pending}) rather than
 *                       auto-approved by someone who can manage the namespace
 * @param privateDnsZoneGroup whether the endpoint registers its address in the private DNS zone
 *                            {@code privatelink.servicebus.windows.net} (private DNS integration, on by default as in
 *                            the portal)
 */
public record PrivateEndpoint(String name, String region, String virtualNetwork, String subnet,
                              Inet4Address privateIpAddress, ConnectionStatus status, String description,
                              boolean manualApproval, boolean privateDnsZoneGroup) {

    /** An endpoint with private DNS integration. */
    public PrivateEndpoint(String name, String region, String virtualNetwork, String subnet,
                           Inet4Address privateIpAddress, ConnectionStatus status, String description,
                           boolean manualApproval) {
        this(name, region, virtualNetwork, subnet, privateIpAddress, status, description, manualApproval, true);
    }

    public PrivateEndpoint {
        requireNonNull(name, "name");
        requireNonNull(region, "region");
        requireNonNull(virtualNetwork, "virtualNetwork");
        requireNonNull(subnet, "subnet");
        requireNonNull(privateIpAddress, "privateIpAddress");
        requireNonNull(status, "status");
        requireNonNull(description, "description");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: a private endpoint name)");
        }
    }

    /** The same endpoint in another connection state. */
    public PrivateEndpoint withStatus(ConnectionStatus newStatus, String newDescription) {
        return new PrivateEndpoint(name, region, virtualNetwork, subnet, privateIpAddress, newStatus, newDescription,
                manualApproval, privateDnsZoneGroup);
    }
}
