package dev.relaysim.relay.gateway.cli;

import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.management.CaCertificateEndpoint;
import dev.relaysim.relay.gateway.internal.netns.VnetsFile;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;
import dev.relaysim.relay.gateway.GatewayAddresses;

/**
 * The text {@code gateway} prints once it is up: endpoints, the development CA and how to trust it, and a
 * ready-to-paste connection string per namespace, hybrid connection and rule.
 */
public final class GatewayBanner {

    private GatewayBanner() {
    }

    /** The address {@code dig} should ask: the DNS bind address, 127.0.0.1 for a wildcard. */
    private static String digServer(String bindAddress) {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    }

    /** The host name to try {@code dig} on: the first namespace with private endpoints, else the default one. */
    private static String digExample(GatewayConfig config) {
        return config.namespaces().stream().filter(namespace -> !namespace.privateEndpoints().isEmpty()).findFirst()
                .or(() -> config.namespace(config.defaultNamespace()))
                .map(NamespaceConfig::hostName).orElseThrow();
    }

    public static String render(GatewayConfig config, GatewayAddresses addresses, DevCertificateAuthority ca) {
        return render(config, addresses, ca, List.of());
    }

    /**
     * The banner of {@code gateway --netns}: instead of the loopback stand-in's {@code --source-address} hints, each
     * virtual network's namespace, addresses and resolver, and the real connection string to use inside with
     * {@code ./relaysim vnet run}.
     */
    public static String render(GatewayConfig config, GatewayAddresses addresses, DevCertificateAuthority ca,
                                List<VnetsFile.Vnet> vnets) {
        requireNonNull(config, "config");
        requireNonNull(addresses, "addresses");
        requireNonNull(ca, "ca");
        ListenSettings listen = config.listen();
        AdvertisedSettings advertised = listen.advertised();
        String host = Optional.ofNullable(advertised.host()).map(AdvertisedSettings::bracketed)
                .orElseGet(() -> displayHost(listen.bindAddress()));
        StringBuilder text = new StringBuilder();
        text.append("relaysim gateway is up\n\n");
        text.append("Endpoints\n");
        addresses.tls().ifPresent(tls -> text.append("  TLS front end    wss://").append(host).append(':')
                .append(listen.advertisedTlsPort(tls.getPort()))
                .append("/$hc/<hybrid connection>  (https for HTTP mode)\n"));
        addresses.plain().ifPresent(plain -> text.append("  plain front end  ws://").append(host).append(':')
                .append(listen.advertisedPlainPort(plain.getPort()))
                .append("/$hc/<hybrid connection>  (http for HTTP mode)\n"));
        List<InetSocketAddress> rendezvous = addresses.rendezvous();
        int lastInstance = rendezvous.size() - 1;
        text.append("  rendezvous       ").append(advertised.host() != null ? host : listen.bindAddress())
                .append(':').append(advertised.rendezvousPort(0, rendezvous.get(0).getPort())).append('-')
                .append(advertised.rendezvousPort(lastInstance, rendezvous.get(lastInstance).getPort()))
                .append(" (g0..g").append(lastInstance).append(", ws or wss)");
        if (advertised.host() != null || !advertised.rendezvousPorts().isEmpty()) {
            text.append(", bound on ").append(listen.bindAddress()).append(':').append(listen.rendezvousPorts());
        }
        text.append('\n');
        addresses.management().ifPresent(management -> text.append("  management       http://").append(host)
                .append(':').append(management.getPort()).append("/health  /metrics (Prometheus)\n")
                .append("  management API   http://").append(host).append(':').append(management.getPort())
                .append("/subscriptions/...  (ARM-shaped; header Authorization: Bearer ")
                .append(config.listen().managementAdminKey()).append("; ./relaysim pe|network)\n"));
        addresses.dns().ifPresent(dns -> text.append("  DNS              dig @")
                .append(digServer(config.dns().bindAddress())).append(" -p ").append(dns.getPort()).append(' ')
                .append(digExample(config)).append("  (split horizon, UDP and TCP; -b <VNet address> for the "
                        + "private answer)\n"));
        text.append('\n');
        text.append("Development CA\n");
        text.append("  certificate  ").append(ca.caCertificatePem()).append('\n');
        text.append("  truststore   ").append(ca.truststore()).append(" (PKCS#12, password ")
                .append(ca.truststorePassword()).append(")\n");
        addresses.management().ifPresent(management -> text.append("  over HTTP    http://").append(host).append(':')
                .append(management.getPort()).append(CaCertificateEndpoint.PATH).append("  (no key needed)\n"));
        text.append("  Node:        NODE_EXTRA_CA_CERTS=").append(ca.caCertificatePem()).append('\n');
        text.append("  Java:        -Djavax.net.ssl.trustStore=").append(ca.truststore())
                .append(" -Djavax.net.ssl.trustStorePassword=").append(ca.truststorePassword())
                .append(" -Djavax.net.ssl.trustStoreType=PKCS12\n\n");
        text.append("Connection strings (default namespace ").append(config.defaultNamespace()).append(")\n");
        for (NamespaceConfig namespace : config.namespaces()) {
            boolean isDefault = namespace.name().equalsIgnoreCase(config.defaultNamespace());
            String endpointHost = isDefault ? host : namespace.hostName();
            for (HybridConnectionConfig entity : namespace.hybridConnections()) {
                text.append("  ").append(namespace.name()).append('/').append(entity.name())
                        .append(entity.requiresClientAuthorization() ? "" : " (senders need no token)").append('\n');
                List<AuthorizationRuleConfig> rules = new ArrayList<>(namespace.authorizationRules());
                rules.addAll(entity.authorizationRules());
                // Connection strings name sb:// endpoints, which every SDK reaches over TLS; plain ws has its URL
                // above.
                for (AuthorizationRuleConfig rule : rules) {
                    addresses.tls().ifPresent(tls -> text.append("    ").append(connectionString(endpointHost,
                            listen.advertisedTlsPort(tls.getPort()), rule, entity.name())).append('\n'));
                }
            }
        }
        if (config.namespaces().size() > 1) {
            text.append("  (other namespaces than the default need their host name to resolve to ")
                    .append(config.listen().bindAddress()).append(", e.g. in /etc/hosts)\n");
        }
        if (vnets.isEmpty()) {
            appendPrivateEndpoints(text, config, addresses);
        } else {
            appendVnets(text, config, vnets);
        }
        return text.toString();
    }

    /** {@code gateway --netns}: the namespaces, and a listen/send pair inside the first one with an endpoint. */
    private static void appendVnets(StringBuilder text, GatewayConfig config, List<VnetsFile.Vnet> vnets) {
        text.append("\nVirtual networks (network namespaces; ./relaysim vnet list|run|shell)\n");
        for (VnetsFile.Vnet vnet : vnets) {
            text.append("  ").append(vnet.name()).append("  namespace ").append(vnet.namespace()).append(", ")
                    .append(vnet.addressPrefixes()).append(", this machine ").append(vnet.address())
                    .append(", resolver ").append(vnet.resolver());
            if (!vnet.privateEndpoints().isEmpty()) {
                text.append(", private endpoints ").append(vnet.privateEndpoints());
            }
            if (!vnet.reaches().isEmpty()) {
                text.append(", reaches ").append(vnet.reaches());
            }
            text.append('\n');
        }
        for (NamespaceConfig namespace : config.namespaces()) {
            Optional<PrivateEndpoint> endpoint = namespace.privateEndpoints().stream().findFirst();
            Optional<HybridConnectionConfig> entity = namespace.hybridConnections().stream().findFirst();
            if (endpoint.isEmpty() || entity.isEmpty() || namespace.authorizationRules().isEmpty()) {
                continue;
            }
            String connectionString = new ConnectionString(URI.create("sb://" + namespace.hostName() + '/'),
                    entity.get().name(), namespace.authorizationRules().get(0).name(),
                    namespace.authorizationRules().get(0).primaryKey(), null, null).format();
            text.append("  ").append(namespace.name()).append(" inside ").append(endpoint.get().virtualNetwork())
                    .append(" (port 443, the real host name; public access from this host is refused):\n");
            for (String command : List.of("listen --echo", "send --message hello")) {
                text.append("    ./relaysim vnet run --vnet ").append(endpoint.get().virtualNetwork())
                        .append(" -- ./relaysim ").append(command).append(" --connection-string \"")
                        .append(connectionString).append("\"\n");
            }
        }
    }

    /**
     * Per namespace with private endpoints: whether public clients get in, each endpoint's address, state and the
     * sources that reach it, and a listen/send pair acting as a VM in its virtual network.
     */
    private static void appendPrivateEndpoints(StringBuilder text, GatewayConfig config, GatewayAddresses addresses) {
        NetworkModel model = config.networkModel();
        Set<Inet4Address> taken = new HashSet<>();
        model.privateEndpointsByAddress().keySet().forEach(address -> taken.add((Inet4Address) address));
        for (NamespaceConfig namespace : config.namespaces()) {
            if (namespace.privateEndpoints().isEmpty()) {
                continue;
            }
            NetworkRuleSet rules = namespace.networkRuleSet();
            text.append('\n').append("Private Link: ").append(namespace.name()).append(" (public network access ")
                    .append(rules.publicNetworkAccess())
                    .append(rules.publicNetworkAccess().admitsPublicTraffic() ? ", defaultAction "
                            + rules.defaultAction() + ", " + rules.ipRules().size() + " IP rules" : "; only through "
                            + "its private endpoints").append(")\n");
            List<AuthorizationRuleConfig> keys = namespace.authorizationRules();
            Optional<HybridConnectionConfig> entity = namespace.hybridConnections().stream().findFirst();
            for (PrivateEndpoint endpoint : namespace.privateEndpoints()) {
                String ip = endpoint.privateIpAddress().getHostAddress();
                Optional<VirtualNetwork> network = model.virtualNetwork(endpoint.virtualNetwork());
                text.append("  ").append(endpoint.name()).append("  ").append(ip).append(" (").append(endpoint.status())
                        .append("), reachable from ").append(endpoint.virtualNetwork()).append(' ')
                        .append(network.map(VirtualNetwork::addressPrefixes).orElse(List.of()));
                network.filter(n -> !n.connectedNetworks().isEmpty()).ifPresent(n -> text
                        .append(" and connected networks ").append(n.connectedNetworks()));
                text.append('\n');
                Optional<Inet4Address> vm = network.flatMap(n -> n.subnet(endpoint.subnet()))
                        .flatMap(subnet -> subnet.allocate(taken));
                if (addresses.tls().isPresent() && entity.isPresent() && !keys.isEmpty() && vm.isPresent()) {
                    String connectionString = connectionString(ip, addresses.tlsPort(), keys.get(0),
                            entity.get().name());
                    text.append("    as a VM in ").append(endpoint.virtualNetwork()).append(" (any address of this ")
                            .append("machine in it; 127.0.0.0/8 is all loopback on Linux):\n");
                    for (String command : List.of("listen --echo", "send --message hello")) {
                        text.append("    ./relaysim ").append(command).append(" --connection-string \"")
                                .append(connectionString).append("\" --source-address ")
                                .append(vm.get().getHostAddress()).append('\n');
                    }
                }
            }
        }
    }

    /** {@code Endpoint=sb://host:port/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=..}. */
    static String connectionString(String host, int port, AuthorizationRuleConfig rule, String entityPath) {
        return new ConnectionString(URI.create("sb://" + host + ':' + port + '/'), entityPath, rule.name(),
                rule.primaryKey(), null, null).format();
    }

    /** {@code localhost} for loopback and wildcard bind addresses, else the address (IPv6 in brackets). */
    static String displayHost(String bindAddress) {
        if (bindAddress.equals("127.0.0.1") || bindAddress.equals("::1") || bindAddress.equals("0.0.0.0")
                || bindAddress.equals("::") || bindAddress.equalsIgnoreCase("localhost")) {
            return "localhost";
        }
        return NetUtil.isValidIpV6Address(bindAddress) ? '[' + bindAddress + ']' : bindAddress;
    }
}
