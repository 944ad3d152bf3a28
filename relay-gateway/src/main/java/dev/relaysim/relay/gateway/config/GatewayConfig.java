package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.VirtualNetwork;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static java.util.Objects.requireNonNull;

/**
 * The gateway's whole configuration, as {@link ConfigLoader} reads it. Immutable and validated.
 *
 * @param listen front ends and rendezvous ports
 * @param protocol limits and timeouts
 * @param dataDirectory where the development CA and the server certificate are kept, and the management API's
 *                      changes when {@code dataDirectoryExplicit}
 * @param defaultNamespace the namespace for clients that address the gateway as {@code localhost} or an IP literal
 * @param namespaces at least one; names and host names unique ignoring case
 * @param virtualNetworks the simulated virtual networks the namespaces' private endpoints sit in; together with the
 *                        namespaces' network settings they must make a valid {@link NetworkModel}
 * @param dns the split-horizon DNS responder; its TCP port must not be one of {@code listen}'s on the same address
 * @param faults the rendezvous fault toggle at start-up ({@code faults.blockedRendezvousPorts}); ranges inside
 *               {@code listen.rendezvousPorts}
 * @param limits connections per source address, waiting senders per hybrid connection, relayed connections per
 *               namespace
 * @param dataDirectoryExplicit whether {@code dataDirectory} was configured explicitly (flag, environment or file)
 *                              rather than defaulted: only then are the management API's changes saved there and
 *                              reloaded at start
 * @param events the event journal's ring size and whether it is also written to a file
 */
public record GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                            String defaultNamespace, List<NamespaceConfig> namespaces,
                            List<VirtualNetwork> virtualNetworks, DnsSettings dns, RendezvousFaults faults,
                            LimitSettings limits, boolean dataDirectoryExplicit, EventSettings events) {

    public GatewayConfig {
        requireNonNull(listen, "listen");
        requireNonNull(protocol, "protocol");
        requireNonNull(dataDirectory, "dataDirectory");
        requireNonNull(defaultNamespace, "defaultNamespace");
        namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
        if (namespaces.isEmpty()) {
            throw new IllegalArgumentException("namespaces: [] (expected: at least one namespace)");
        }
        ConfigChecks.requireUnique("namespaces", namespaces, "name", NamespaceConfig::name);
        ConfigChecks.requireUnique("namespaces", namespaces, "hostName", NamespaceConfig::hostName);
        if (namespaces.stream().noneMatch(ns -> ns.name().equalsIgnoreCase(defaultNamespace))) {
            throw new IllegalArgumentException("defaultNamespace: " + quote(defaultNamespace) + " (expected: one of "
                    + namespaces.stream().map(NamespaceConfig::name).collect(Collectors.joining(", ")) + ')');
        }
        virtualNetworks = List.copyOf(requireNonNull(virtualNetworks, "virtualNetworks"));
        networkModel(virtualNetworks, namespaces);
        requireNonNull(dns, "dns");
        if (dns.enabled() && dns.port() != 0 && sameAddress(dns.bindAddress(), listen.bindAddress())
                && (listen.tlsEnabled() && dns.port() == listen.tlsPort()
                || listen.plainEnabled() && dns.port() == listen.plainPort()
                || listen.managementEnabled() && dns.port() == listen.managementPort()
                || listen.rendezvousPorts().instanceOf(dns.port()) >= 0)) {
            throw new IllegalArgumentException("dns.port: " + dns.port() + " (expected: a port other than "
                    + "listen's TLS, plain and management ports and outside rendezvousPorts " + listen.rendezvousPorts()
                    + ", since DNS also listens on TCP)");
        }
        requireNonNull(faults, "faults").requireWithin(listen.rendezvousPorts(), "faults");
        requireNonNull(limits, "limits");
        requireNonNull(events, "events");
    }

    /** A configuration with the default event journal. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces,
                         List<VirtualNetwork> virtualNetworks, DnsSettings dns, RendezvousFaults faults,
                         LimitSettings limits, boolean dataDirectoryExplicit) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, dns, faults, limits,
                dataDirectoryExplicit, EventSettings.DEFAULTS);
    }

    /** A configuration with the default limits whose management changes are not saved. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces,
                         List<VirtualNetwork> virtualNetworks, DnsSettings dns, RendezvousFaults faults) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, dns, faults,
                LimitSettings.DEFAULTS, false);
    }

    /** A configuration without rendezvous faults. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces,
                         List<VirtualNetwork> virtualNetworks, DnsSettings dns) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, dns, RendezvousFaults.NONE);
    }

    /** A configuration without a DNS responder. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces,
                         List<VirtualNetwork> virtualNetworks) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, DnsSettings.DISABLED);
    }

    /** A configuration without virtual networks. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, List.of());
    }

    private static boolean sameAddress(String first, String second) {
        return first.equals(second) || isWildcard(first) || isWildcard(second);
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    /** The network model the gateway starts with: the virtual networks and every namespace's network settings. */
    public NetworkModel networkModel() {
        return networkModel(virtualNetworks, namespaces);
    }

    /** Validates as it builds: messages name the path, such as {@code namespaces.contoso.privateEndpoints.pe.subnet}. */
    private static NetworkModel networkModel(List<VirtualNetwork> virtualNetworks, List<NamespaceConfig> namespaces) {
        return new NetworkModel(virtualNetworks, namespaces.stream().map(NamespaceConfig::network).toList());
    }

    /** The namespace with this name, ignoring case. */
    public Optional<NamespaceConfig> namespace(String name) {
        requireNonNull(name, "name");
        return namespaces.stream().filter(ns -> ns.name().equalsIgnoreCase(name)).findFirst();
    }
}
