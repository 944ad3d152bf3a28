package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.DevCertificateAuthority;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The text {@code gateway} prints once it is up: endpoints, the development CA and how to trust it, and a
 * ready-to-paste connection string per namespace, hybrid connection and rule.
 */
public final class GatewayBanner {

    private GatewayBanner() {
    }

    public static String render(GatewayConfig config, GatewayAddresses addresses, DevCertificateAuthority ca) {
        requireNonNull(config, "config");
        requireNonNull(addresses, "addresses");
        requireNonNull(ca, "ca");
        String host = displayHost(config.listen().bindAddress());
        StringBuilder text = new StringBuilder();
        text.append("relaysim gateway is up\n\n");
        text.append("Endpoints\n");
        addresses.tls().ifPresent(tls -> text.append("  TLS front end    wss://").append(host).append(':')
                .append(tls.getPort()).append("/$hc/<hybrid connection>  (https for HTTP mode)\n"));
        addresses.plain().ifPresent(plain -> text.append("  plain front end  ws://").append(host).append(':')
                .append(plain.getPort()).append("/$hc/<hybrid connection>  (http for HTTP mode)\n"));
        List<InetSocketAddress> rendezvous = addresses.rendezvous();
        text.append("  rendezvous       ").append(config.listen().bindAddress()).append(':')
                .append(rendezvous.get(0).getPort()).append('-').append(rendezvous.get(rendezvous.size() - 1).getPort())
                .append(" (g0..g").append(rendezvous.size() - 1).append(", ws or wss)\n\n");
        text.append("Development CA\n");
        text.append("  certificate  ").append(ca.caCertificatePem()).append('\n');
        text.append("  truststore   ").append(ca.truststore()).append(" (PKCS#12, password ")
                .append(ca.truststorePassword()).append(")\n");
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
                // Connection strings name sb:// endpoints, which every SDK reaches over TLS; plain ws has its URL above.
                for (AuthorizationRuleConfig rule : rules) {
                    addresses.tls().ifPresent(tls -> text.append("    ")
                            .append(connectionString(endpointHost, tls.getPort(), rule, entity.name())).append('\n'));
                }
            }
        }
        if (config.namespaces().size() > 1) {
            text.append("  (other namespaces than the default need their host name to resolve to ")
                    .append(config.listen().bindAddress()).append(", e.g. in /etc/hosts)\n");
        }
        return text.toString();
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
