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
 * @param cluster the gateway cluster this gateway is a node of, or {@link ClusterSettings#OFF}
 */
public record GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                            String defaultNamespace, List<NamespaceConfig> namespaces,
                            List<VirtualNetwork> virtualNetworks, DnsSettings dns, RendezvousFaults faults,
                            LimitSettings limits, boolean dataDirectoryExplicit, EventSettings events,
                            ClusterSettings cluster) {

    public GatewayConfig {
        requireNonNull(listen, "listen");
        requireNonNull(protocol, "protocol");
        requireNonNull(dataDirectory, "dataDirectory");
        requireNonNull(defaultNamespace, "defaultNamespace");
        namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
        if (namespaces.isEmpty()) {
            throw new InvalidValueException("namespaces", "[] (expected: at least one namespace)");
        }
        ConfigChecks.requireUnique("namespaces", namespaces, "name", NamespaceConfig::name);
        ConfigChecks.requireUnique("namespaces", namespaces, "hostName", NamespaceConfig::hostName);
        if (namespaces.stream().noneMatch(ns -> ns.name().equalsIgnoreCase(defaultNamespace))) {
            throw new InvalidValueException("defaultNamespace", quote(defaultNamespace) + " (expected: one of "
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
            throw new InvalidValueException("dns.port", dns.port() + " (expected: a port other than "
                    + "listen's TLS, plain and management ports and outside rendezvousPorts " + listen.rendezvousPorts()
                    + ", since DNS also listens on TCP)");
        }
        requireNonNull(faults, "faults").requireWithin(listen.rendezvousPorts(), "faults");
        requireNonNull(limits, "limits");
        requireNonNull(events, "events");
        requireNonNull(cluster, "cluster");
    }

    /** A configuration without a cluster. */
    public GatewayConfig(ListenSettings listen, ProtocolSettings protocol, Path dataDirectory,
                         String defaultNamespace, List<NamespaceConfig> namespaces,
                         List<VirtualNetwork> virtualNetworks, DnsSettings dns, RendezvousFaults faults,
                         LimitSettings limits, boolean dataDirectoryExplicit, EventSettings events) {
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, dns, faults, limits,
                dataDirectoryExplicit, events, ClusterSettings.OFF);
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
        this(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks, dns,
                RendezvousFaults.NONE);
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

    /**
     * A builder over the embedded defaults ({@link ConfigLoader#defaults()}: the declared settings, namespaces
     * {@code sandbox} and {@code contoso}, {@code vnet1}), for code that embeds the gateway; {@link Builder#build()}
     * validates as the constructor does.
     */
    public static Builder builder() {
        return ConfigLoader.defaults().toBuilder();
    }

    /** A builder holding this configuration, to change a part of it. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link GatewayConfig} part by part; each part is a validated record. */
    public static final class Builder {

        private ListenSettings listen;
        private ProtocolSettings protocol;
        private Path dataDirectory;
        private boolean dataDirectoryExplicit;
        private String defaultNamespace;
        private List<NamespaceConfig> namespaces;
        private List<VirtualNetwork> virtualNetworks;
        private DnsSettings dns;
        private RendezvousFaults faults;
        private LimitSettings limits;
        private EventSettings events;
        private ClusterSettings cluster;

        private Builder(GatewayConfig from) {
            listen = from.listen;
            protocol = from.protocol;
            dataDirectory = from.dataDirectory;
            dataDirectoryExplicit = from.dataDirectoryExplicit;
            defaultNamespace = from.defaultNamespace;
            namespaces = from.namespaces;
            virtualNetworks = from.virtualNetworks;
            dns = from.dns;
            faults = from.faults;
            limits = from.limits;
            events = from.events;
            cluster = from.cluster;
        }

        /** Front ends, rendezvous ports, management server, advertised host and ports. */
        public Builder listen(ListenSettings listen) {
            this.listen = requireNonNull(listen, "listen");
            return this;
        }

        public Builder protocol(ProtocolSettings protocol) {
            this.protocol = requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * The data directory; {@code explicit} as if configured by the user: management API changes are saved there
         * and restored at start.
         */
        public Builder dataDirectory(Path dataDirectory, boolean explicit) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
            this.dataDirectoryExplicit = explicit;
            return this;
        }

        /** The namespaces and the one for {@code localhost} and IP literals (one of them). */
        public Builder namespaces(List<NamespaceConfig> namespaces, String defaultNamespace) {
            this.namespaces = requireNonNull(namespaces, "namespaces");
            this.defaultNamespace = requireNonNull(defaultNamespace, "defaultNamespace");
            return this;
        }

        public Builder virtualNetworks(List<VirtualNetwork> virtualNetworks) {
            this.virtualNetworks = requireNonNull(virtualNetworks, "virtualNetworks");
            return this;
        }

        /** The DNS responder; {@link DnsSettings#DISABLED} for none. */
        public Builder dns(DnsSettings dns) {
            this.dns = requireNonNull(dns, "dns");
            return this;
        }

        public Builder faults(RendezvousFaults faults) {
            this.faults = requireNonNull(faults, "faults");
            return this;
        }

        public Builder limits(LimitSettings limits) {
            this.limits = requireNonNull(limits, "limits");
            return this;
        }

        public Builder events(EventSettings events) {
            this.events = requireNonNull(events, "events");
            return this;
        }

        public Builder cluster(ClusterSettings cluster) {
            this.cluster = requireNonNull(cluster, "cluster");
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException naming the value and what was expected, as the constructor
         */
        public GatewayConfig build() {
            return new GatewayConfig(listen, protocol, dataDirectory, defaultNamespace, namespaces, virtualNetworks,
                    dns, faults, limits, dataDirectoryExplicit, events, cluster);
        }
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

    /**
     * Validates as it builds: messages name the path, such as {@code namespaces.contoso.privateEndpoints.pe.subnet}.
     */
    private static NetworkModel networkModel(List<VirtualNetwork> virtualNetworks, List<NamespaceConfig> namespaces) {
        return new NetworkModel(virtualNetworks, namespaces.stream().map(NamespaceConfig::network).toList());
    }

    /** The namespace with this name, ignoring case. */
    public Optional<NamespaceConfig> namespace(String name) {
        requireNonNull(name, "name");
        return namespaces.stream().filter(ns -> ns.name().equalsIgnoreCase(name)).findFirst();
    }
}
