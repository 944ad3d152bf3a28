package dev.relaysim.relay.gateway.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * One consistent picture of the simulated network: the virtual networks and, per namespace, its rule set and
 * private endpoints. Immutable; a change makes a new model ({@link #withNamespace}, {@link #withVirtualNetwork}),
 * validated as Azure validates it: an endpoint sits in an existing subnet of a virtual network of its own region
 * (the namespace's region may differ), its address is one the subnet can hand out and no other endpoint has, at most
 * {@value NamespaceNetwork#MAX_PRIVATE_ENDPOINTS} endpoints per namespace and at most
 * {@value #MAX_NAMESPACES_WITH_PRIVATE_ENDPOINTS} namespaces with endpoints (the gateway stands for one
 * subscription).
 *
 * <p>{@link #admit} decides a connection from its real addresses: arriving at a private endpoint's IP it is private
 * traffic for that endpoint's namespace, admitted only from the endpoint's virtual network or a network connected
 * to it and only while the connection is Approved; arriving anywhere else it is public traffic, checked against
 * public network access, then the IP rules (first match), then the default action, then trusted services.
 */
public final class NetworkModel {

    /** Azure's limit of namespaces with private endpoints per subscription. */
    public static final int MAX_NAMESPACES_WITH_PRIVATE_ENDPOINTS = 64;

    private final Map<String, VirtualNetwork> virtualNetworks;
    private final Map<String, NamespaceNetwork> namespaces;
    private final Map<InetAddress, Owned> endpointsByAddress;

    /** A private endpoint with the namespace it belongs to. */
    public record Owned(String namespace, PrivateEndpoint endpoint) {
    }

    public NetworkModel(List<VirtualNetwork> virtualNetworks, List<NamespaceNetwork> namespaces) {
        this.virtualNetworks = byName(requireNonNull(virtualNetworks, "virtualNetworks"), VirtualNetwork::name,
                "virtualNetworks");
        this.namespaces = byName(requireNonNull(namespaces, "namespaces"), NamespaceNetwork::namespace, "namespaces");
        endpointsByAddress = new HashMap<>();
        int withEndpoints = 0;
        for (NamespaceNetwork namespace : namespaces) {
            if (!namespace.privateEndpoints().isEmpty() && ++withEndpoints > MAX_NAMESPACES_WITH_PRIVATE_ENDPOINTS) {
                throw new QuotaExceededException("namespaces." + namespace.namespace()
                        + ".privateEndpoints: (expected: at most " + MAX_NAMESPACES_WITH_PRIVATE_ENDPOINTS
                        + " namespaces with private endpoints per subscription)");
            }
            for (PrivateEndpoint endpoint : namespace.privateEndpoints()) {
                validate(namespace.namespace(), endpoint);
                Owned previous = endpointsByAddress.putIfAbsent(endpoint.privateIpAddress(),
                        new Owned(namespace.namespace(), endpoint));
                if (previous != null) {
                    throw new IllegalArgumentException(path(namespace.namespace(), endpoint) + ".privateIpAddress: "
                            + endpoint.privateIpAddress().getHostAddress() + " (expected: an address no other "
                            + "endpoint uses; " + previous.endpoint().name() + " of " + previous.namespace()
                            + " has it)");
                }
            }
        }
    }

    public List<VirtualNetwork> virtualNetworks() {
        return List.copyOf(virtualNetworks.values());
    }

    public Optional<VirtualNetwork> virtualNetwork(String name) {
        return Optional.ofNullable(virtualNetworks.get(key(name)));
    }

    public List<NamespaceNetwork> namespaces() {
        return List.copyOf(namespaces.values());
    }

    /** The namespace's settings; a namespace the model does not know is open to the public network. */
    public NamespaceNetwork namespace(String name) {
        NamespaceNetwork network = namespaces.get(key(name));
        return network != null ? network : NamespaceNetwork.open(name);
    }

    /** Every private endpoint by its address: the addresses the gateway must also listen on. */
    public Map<InetAddress, Owned> privateEndpointsByAddress() {
        return Map.copyOf(endpointsByAddress);
    }

    /** A model in which {@code namespace}'s settings are replaced by what {@code change} makes of them. */
    public NetworkModel withNamespace(String namespace, UnaryOperator<NamespaceNetwork> change) {
        NamespaceNetwork changed = requireNonNull(change.apply(namespace(namespace)), "changed namespace");
        Map<String, NamespaceNetwork> updated = new LinkedHashMap<>(namespaces);
        updated.put(key(namespace), changed);
        return new NetworkModel(virtualNetworks(), List.copyOf(updated.values()));
    }

    /** A model without {@code namespace}'s settings and private endpoints (the namespace was deleted). */
    public NetworkModel withoutNamespace(String namespace) {
        Map<String, NamespaceNetwork> updated = new LinkedHashMap<>(namespaces);
        updated.remove(key(namespace));
        return new NetworkModel(virtualNetworks(), List.copyOf(updated.values()));
    }

    /** A model with {@code network} added, or replacing the one of the same name. */
    public NetworkModel withVirtualNetwork(VirtualNetwork network) {
        Map<String, VirtualNetwork> updated = new LinkedHashMap<>(virtualNetworks);
        updated.put(key(network.name()), network);
        return new NetworkModel(List.copyOf(updated.values()), namespaces());
    }

    /** A model without the virtual network {@code name}; refused (by validation) while an endpoint sits in it. */
    public NetworkModel withoutVirtualNetwork(String name) {
        Map<String, VirtualNetwork> updated = new LinkedHashMap<>(virtualNetworks);
        updated.remove(key(name));
        return new NetworkModel(List.copyOf(updated.values()), namespaces());
    }

    /**
     * The lowest free address of {@code subnet} in {@code virtualNetwork} for a new private endpoint, as Azure
     * allocates them ({@code .4} first).
     */
    public Inet4Address allocateAddress(String virtualNetwork, String subnet) {
        Subnet found = subnetOf(virtualNetwork, subnet, "privateEndpoint");
        Set<Inet4Address> taken = new HashSet<>();
        endpointsByAddress.keySet().forEach(address -> taken.add((Inet4Address) address));
        return found.allocate(taken).orElseThrow(() -> new QuotaExceededException("subnet " + subnet + " of "
                + virtualNetwork + " (" + found.addressPrefix() + "): no free address (expected: a subnet with room "
                + "for another private endpoint)"));
    }

    /**
     * Decides a connection to {@code namespace} that arrived at {@code local} from {@code remote}.
     */
    public Admission admit(String namespace, InetAddress local, InetAddress remote) {
        requireNonNull(namespace, "namespace");
        requireNonNull(local, "local");
        requireNonNull(remote, "remote");
        Owned owned = endpointsByAddress.get(local);
        if (owned != null) {
            return admitPrivate(namespace, owned, remote);
        }
        NetworkRuleSet rules = namespace(namespace).ruleSet();
        if (!rules.publicNetworkAccess().admitsPublicTraffic()) {
            return new Admission.Refused("public network access is " + rules.publicNetworkAccess()
                    + " and the connection came from the public network (" + remote.getHostAddress() + " to "
                    + local.getHostAddress() + ")");
        }
        List<Ipv4Prefix> ipRules = rules.ipRules();
        for (int i = 0; i < ipRules.size(); i++) {
            if (ipRules.get(i).contains(remote)) {
                return new Admission.Allowed("IP rule " + (i + 1) + " (" + ipRules.get(i) + ") matched "
                        + remote.getHostAddress());
            }
        }
        if (rules.defaultAction() == DefaultAction.ALLOW) {
            return new Admission.Allowed("no IP rule matched and defaultAction is Allow");
        }
        String rule = "no IP rule matched " + remote.getHostAddress() + " and defaultAction is Deny";
        return rules.trustedServiceAccessEnabled()
                ? new Admission.TrustedServicesOnly(rule + "; trusted services may bypass")
                : new Admission.Refused(rule);
    }

    private Admission admitPrivate(String namespace, Owned owned, InetAddress remote) {
        PrivateEndpoint endpoint = owned.endpoint();
        String name = "private endpoint " + endpoint.name() + " of " + owned.namespace();
        // In Azure only the endpoint's virtual network and the networks connected to it can route to its address.
        boolean routable = virtualNetwork(endpoint.virtualNetwork())
                .map(network -> network.canBeReachedFrom(remote)).orElse(false);
        if (!routable) {
            return new Admission.Refused(remote.getHostAddress() + " is outside virtual network "
                    + endpoint.virtualNetwork() + " and the networks connected to it, so it cannot reach " + name);
        }
        if (!owned.namespace().equalsIgnoreCase(namespace)) {
            return new Admission.Refused(name + " does not lead to namespace " + namespace);
        }
        if (endpoint.status() != ConnectionStatus.APPROVED) {
            return new Admission.Refused(name + " is " + endpoint.status());
        }
        return new Admission.Allowed(name + " (Approved)");
    }

    private void validate(String namespace, PrivateEndpoint endpoint) {
        String path = path(namespace, endpoint);
        VirtualNetwork network = virtualNetwork(endpoint.virtualNetwork()).orElseThrow(() ->
                new IllegalArgumentException(path + ".virtualNetwork: \"" + endpoint.virtualNetwork()
                        + "\" (expected: one of the virtual networks " + virtualNetworks.keySet() + ')'));
        if (!network.region().equalsIgnoreCase(endpoint.region())) {
            throw new IllegalArgumentException(path + ".region: \"" + endpoint.region() + "\" (expected: \""
                    + network.region() + "\", the region of virtual network " + network.name() + ')');
        }
        Subnet subnet = subnetOf(endpoint.virtualNetwork(), endpoint.subnet(), path);
        if (!subnet.isAssignable(endpoint.privateIpAddress())) {
            throw new IllegalArgumentException(path + ".privateIpAddress: "
                    + endpoint.privateIpAddress().getHostAddress() + " (expected: an assignable address of subnet "
                    + subnet.name() + ' ' + subnet.addressPrefix() + ", from its fifth address to the one before "
                    + "its last)");
        }
    }

    private Subnet subnetOf(String virtualNetwork, String subnet, String path) {
        VirtualNetwork network = virtualNetwork(virtualNetwork).orElseThrow(() -> new IllegalArgumentException(
                path + ".virtualNetwork: \"" + virtualNetwork + "\" (expected: one of the virtual networks "
                        + virtualNetworks.keySet() + ')'));
        return network.subnet(subnet).orElseThrow(() -> new IllegalArgumentException(path + ".subnet: \"" + subnet
                + "\" (expected: a subnet of " + network.name() + ": "
                + network.subnets().stream().map(Subnet::name).toList() + ')'));
    }

    private static String path(String namespace, PrivateEndpoint endpoint) {
        return "namespaces." + namespace + ".privateEndpoints." + endpoint.name();
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name, String what) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            if (map.putIfAbsent(key(name.apply(item)), item) != null) {
                throw new IllegalArgumentException(what + ": \"" + name.apply(item) + "\" (expected: unique names)");
            }
        }
        return map;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
