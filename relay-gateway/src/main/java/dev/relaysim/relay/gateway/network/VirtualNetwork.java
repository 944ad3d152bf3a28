package dev.relaysim.relay.gateway.network;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A simulated virtual network: its address space, its subnets, its region, and the networks connected to it
 * (peered virtual networks and on-premises ranges reached over VPN or ExpressRoute), from which a private endpoint
 * in it can be reached too.
 *
 * @param privateDnsZoneLinked whether the private DNS zone {@code privatelink.servicebus.windows.net} is linked to
 *                             this network, so that its clients (and those of the connected networks) get the private
 *                             answers of its endpoints (default true)
 */
public record VirtualNetwork(String name, String region, List<Ipv4Prefix> addressPrefixes, List<Subnet> subnets,
                             List<Ipv4Prefix> connectedNetworks, boolean privateDnsZoneLinked) {

    /** A network linked to the private DNS zone. */
    public VirtualNetwork(String name, String region, List<Ipv4Prefix> addressPrefixes, List<Subnet> subnets,
                          List<Ipv4Prefix> connectedNetworks) {
        this(name, region, addressPrefixes, subnets, connectedNetworks, true);
    }

    public VirtualNetwork {
        requireNonNull(name, "name");
        requireNonNull(region, "region");
        addressPrefixes = List.copyOf(requireNonNull(addressPrefixes, "addressPrefixes"));
        subnets = List.copyOf(requireNonNull(subnets, "subnets"));
        connectedNetworks = List.copyOf(requireNonNull(connectedNetworks, "connectedNetworks"));
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: a virtual network name)");
        }
        if (region.isBlank()) {
            throw new IllegalArgumentException("region: \"\" (expected: an Azure region such as westeurope)");
        }
        if (addressPrefixes.isEmpty()) {
            throw new IllegalArgumentException("addressPrefixes: [] (expected: at least one address prefix)");
        }
        Set<String> names = new HashSet<>();
        for (Subnet subnet : subnets) {
            if (!names.add(subnet.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("subnets: \"" + subnet.name()
                        + "\" (expected: unique subnet names)");
            }
            if (addressPrefixes.stream().noneMatch(prefix -> prefix.contains(subnet.addressPrefix()))) {
                throw new IllegalArgumentException("subnets." + subnet.name() + ".addressPrefix: "
                        + subnet.addressPrefix() + " (expected: inside the address space " + addressPrefixes + ')');
            }
        }
        for (int i = 0; i < subnets.size(); i++) {
            for (int j = i + 1; j < subnets.size(); j++) {
                if (subnets.get(i).addressPrefix().overlaps(subnets.get(j).addressPrefix())) {
                    throw new IllegalArgumentException("subnets." + subnets.get(j).name() + ".addressPrefix: "
                            + subnets.get(j).addressPrefix() + " (expected: no overlap with subnet "
                            + subnets.get(i).name() + ')');
                }
            }
        }
    }

    public Optional<Subnet> subnet(String subnetName) {
        return subnets.stream().filter(subnet -> subnet.name().equalsIgnoreCase(subnetName)).findFirst();
    }

    /** Whether traffic from {@code source} could reach an address in this network: its own space or a connected one. */
    public boolean canBeReachedFrom(InetAddress source) {
        return addressPrefixes.stream().anyMatch(prefix -> prefix.contains(source))
                || connectedNetworks.stream().anyMatch(prefix -> prefix.contains(source));
    }
}
