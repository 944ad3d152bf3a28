package dev.relaysim.relay.gateway.internal.netns;

import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What one virtual network needs on this machine: its namespace and the veth pair's host end, the machine's address
 * inside ({@code .5} of its first subnet, Azure's second VM address after the endpoint's {@code .4}; the next free
 * one when an endpoint holds it), the resolver address on the host end ({@code .2}, which Azure reserves for its
 * DNS), the public front end's address on the host end ({@code .1}, which Azure reserves for the subnet's default
 * gateway, the way to the internet), the private endpoints in it (their addresses on the host end), and the
 * endpoints of other networks it reaches (connected networks), each of which gets a host route inside the namespace.
 * Nothing else is routed: no default route.
 *
 * @param subnet        the subnet the machine is in (the first one; the first address prefix without subnets)
 * @param endpoints     addresses of the private endpoints in this network
 * @param peerEndpoints addresses of private endpoints in other networks connected to this one
 */
public record VnetPlan(String vnet, String namespace, String hostInterface, List<Ipv4Prefix> addressPrefixes,
                       Ipv4Prefix subnet, Inet4Address address, Inet4Address resolver, List<Inet4Address> endpoints,
                       List<Inet4Address> peerEndpoints) {

    private static final int GATEWAY_OFFSET = 1;
    private static final int RESOLVER_OFFSET = 2;
    private static final int MACHINE_OFFSET = 5;

    public VnetPlan {
        requireNonNull(vnet, "vnet");
        requireNonNull(namespace, "namespace");
        requireNonNull(hostInterface, "hostInterface");
        addressPrefixes = List.copyOf(addressPrefixes);
        requireNonNull(subnet, "subnet");
        requireNonNull(address, "address");
        requireNonNull(resolver, "resolver");
        endpoints = List.copyOf(endpoints);
        peerEndpoints = List.copyOf(peerEndpoints);
    }

    /** The plan of every virtual network of {@code model}, named by {@code layout}. */
    static List<VnetPlan> of(NetworkModel model, VnetLayout layout) {
        Map<InetAddress, NetworkModel.Owned> endpoints = model.privateEndpointsByAddress();
        Set<InetAddress> taken = endpoints.keySet();
        List<VnetPlan> plans = new ArrayList<>();
        for (VirtualNetwork network : model.virtualNetworks()) {
            Ipv4Prefix subnet = network.subnets().stream().map(Subnet::addressPrefix).findFirst()
                    .orElse(network.addressPrefixes().get(0));
            if (subnet.size() < 8) {
                throw new IllegalArgumentException("virtualNetworks." + network.name() + ": subnet " + subnet
                        + " (expected: /29 or larger, room for the public front end at .1, the resolver at .2"
                        + " and a machine at .5)");
            }
            Inet4Address machine = machineAddress(network.name(), subnet, taken);
            List<Inet4Address> own = new ArrayList<>();
            List<Inet4Address> peers = new ArrayList<>();
            for (Map.Entry<InetAddress, NetworkModel.Owned> entry : endpoints.entrySet()) {
                Inet4Address endpoint = (Inet4Address) entry.getKey();
                String endpointNetwork = entry.getValue().endpoint().virtualNetwork();
                if (endpointNetwork.equalsIgnoreCase(network.name())) {
                    own.add(endpoint);
                } else if (model.virtualNetwork(endpointNetwork).map(other -> other.canBeReachedFrom(machine))
                        .orElse(false)) {
                    peers.add(endpoint);
                }
            }
            String namespace = layout.namespace(network.name());
            plans.add(new VnetPlan(network.name(), namespace, VnetLayout.hostInterface(namespace),
                    network.addressPrefixes(), subnet, machine, subnet.address(RESOLVER_OFFSET), own, peers));
        }
        return plans;
    }

    /**
     * Another machine of a running gateway's network {@code vnet}, at {@code address}, in namespace
     * {@code <vnet's namespace>-<address with dashes>} ({@code vnet run --address}).
     *
     * @throws IllegalArgumentException when the address is not a free host address of the network's subnet
     */
    static VnetPlan machine(VnetsFile.Vnet vnet, Inet4Address address) {
        Ipv4Prefix subnet = Ipv4Prefix.parse(vnet.subnet());
        String text = address.getHostAddress();
        long offset = Integer.toUnsignedLong(Ipv4Prefix.of(address).network() - subnet.network());
        if (!subnet.contains(address) || offset < 4 || offset == subnet.size() - 1 || text.equals(vnet.address())
                || vnet.privateEndpoints().contains(text)) {
            throw new IllegalArgumentException("--address: " + text + " (expected: a free address of " + vnet.name()
                    + "'s subnet " + subnet + " from ." + 4 + " on, not " + vnet.address() + " (this machine) nor a "
                    + "private endpoint " + vnet.privateEndpoints() + ')');
        }
        String namespace = vnet.namespace() + '-' + text.replace('.', '-');
        return new VnetPlan(vnet.name(), namespace, VnetLayout.hostInterface(namespace),
                vnet.addressPrefixes().stream().map(Ipv4Prefix::parse).toList(), subnet, address,
                parse(vnet.resolver()), List.of(), vnet.reaches().stream().map(VnetPlan::parse).toList());
    }

    private static Inet4Address parse(String literal) {
        return Ipv4Prefix.parse(literal).address(0);
    }

    /** The first address from {@code .5} on that no private endpoint holds. */
    private static Inet4Address machineAddress(String network, Ipv4Prefix subnet, Set<InetAddress> taken) {
        for (long offset = MACHINE_OFFSET; offset < subnet.size() - 1; offset++) {
            if (!taken.contains(subnet.address(offset))) {
                return subnet.address(offset);
            }
        }
        throw new IllegalArgumentException("virtualNetworks." + network + ": subnet " + subnet
                + " (expected: a free address for the machine besides the private endpoints)");
    }

    /**
     * Where the network reaches the namespaces' public endpoint: the subnet's default gateway address ({@code .1}),
     * on the host end. Public DNS chains end here for queries to this network's resolver, since traffic must stay on
     * this machine and the network has no route to anything else.
     */
    Inet4Address publicFrontEnd() {
        return subnet.address(GATEWAY_OFFSET);
    }

    /** The machine's address with its subnet's prefix length, as it is set on the namespace's {@code eth0}. */
    String addressWithLength() {
        return address.getHostAddress() + '/' + subnet.length();
    }
}
