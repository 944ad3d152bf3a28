package dev.relaysim.junit;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.gateway.GatewayAddresses;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.embedded.EmbeddedGateway;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A running {@link RelaysimTest} gateway, as clients see it: connection strings, URLs and tokens, the development CA,
 * the management API and the DNS responder. Injected into test parameters and fields of this type.
 *
 * <p>The default namespace is reached at the gateway's own address ({@link #address()}), so its connection strings
 * work without DNS: {@code Endpoint=sb://127.42.7.9:40123/;...}. Other namespaces are told apart by host name
 * ({@code <name>.servicebus.windows.net}): a client must resolve that name to {@link #address()}, through the
 * gateway's DNS responder ({@link #dnsAddress()}) or its own mapping. TLS needs {@link #sslContext()} or the CA in
 * one of its other forms: the certificate covers the address and every namespace's host name.
 */
public final class Relaysim {

    /** The namespace of a {@link RelaysimTest} without attributes. */
    public static final String DEFAULT_NAMESPACE = "sandbox";
    /** The hybrid connection of a {@link RelaysimTest} without attributes. */
    public static final String DEFAULT_HYBRID_CONNECTION = "echo";

    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final EmbeddedGateway gateway;
    private final Inet4Address address;
    private final RelaysimManagement management;

    Relaysim(EmbeddedGateway gateway, Inet4Address address) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.address = requireNonNull(address, "address");
        management = new RelaysimManagement(URI.create("http://" + address.getHostAddress() + ':'
                + gateway.addresses().managementPort()), gateway.config().listen().managementAdminKey());
    }

    /** The loopback address every front end, rendezvous port, the management server and DNS listen on. */
    public Inet4Address address() {
        return address;
    }

    /** The TLS front end's port ({@code wss://}, {@code https://}; the port of every connection string). */
    public int tlsPort() {
        return gateway.addresses().tlsPort();
    }

    /** The plain front end's port ({@code ws://}, {@code http://}). */
    public int plainPort() {
        return gateway.addresses().plainPort();
    }

    /** The default namespace's name. */
    public String defaultNamespace() {
        return gateway.config().defaultNamespace();
    }

    /**
     * {@code Endpoint=sb://<address>:<tls port>/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=<entity>} for a
     * hybrid connection of the default namespace, with the namespace's first rule.
     *
     * @throws IllegalArgumentException naming the hybrid connection if the namespace has none of that name
     */
    public String connectionString(String entityPath) {
        return connectionString(defaultNamespace(), entityPath);
    }

    /** {@link #connectionString(String)} for a hybrid connection of {@code namespace}. */
    public String connectionString(String namespace, String entityPath) {
        return connectionString(namespace, entityPath, null);
    }

    /**
     * A connection string with the rule {@code ruleName} (of the namespace or of the hybrid connection); null picks
     * the namespace's first rule.
     *
     * @throws IllegalArgumentException naming the namespace, hybrid connection or rule that does not exist
     */
    public String connectionString(String namespace, String entityPath, @Nullable String ruleName) {
        NamespaceConfig config = namespaceConfig(namespace);
        HybridConnectionConfig entity = config.hybridConnection(requireNonNull(entityPath, "entityPath"))
                .orElseThrow(() -> new IllegalArgumentException("entityPath: \"" + entityPath + "\" (expected: one of "
                        + config.hybridConnections().stream().map(HybridConnectionConfig::name).toList()
                        + " in namespace " + config.name() + ')'));
        List<AuthorizationRuleConfig> rules = new ArrayList<>(config.authorizationRules());
        rules.addAll(entity.authorizationRules());
        AuthorizationRuleConfig rule = rules.stream()
                .filter(candidate -> ruleName == null || candidate.name().equals(ruleName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ruleName: " + (ruleName == null ? "null"
                        : "\"" + ruleName + '"') + " (expected: one of " + rules.stream()
                        .map(AuthorizationRuleConfig::name).toList() + ')'));
        return new ConnectionString(endpoint(namespace), entity.name(), rule.name(), rule.primaryKey(), null, null)
                .format();
    }

    /** {@code sb://<host>:<tls port>/}: the address for the default namespace, else the namespace's host name. */
    public URI endpoint(String namespace) {
        return URI.create("sb://" + hostName(namespace) + ':' + tlsPort() + '/');
    }

    /** The host clients name for {@code namespace}: the gateway's address for the default one, else its host name. */
    public String hostName(String namespace) {
        NamespaceConfig config = namespaceConfig(namespace);
        return config.name().equalsIgnoreCase(defaultNamespace()) ? address.getHostAddress() : config.hostName();
    }

    /** {@code wss://<address>:<tls port>/$hc/<entity>?sb-hc-action=listen}: a listener's control channel. */
    public URI listenUri(String entityPath) {
        return hcUri(entityPath, "listen");
    }

    /** {@code wss://<address>:<tls port>/$hc/<entity>?sb-hc-action=connect}: a sender's WebSocket. */
    public URI connectUri(String entityPath) {
        return hcUri(entityPath, "connect");
    }

    /**
     * A one-hour SAS token of the default namespace's first rule for {@code entityPath}, for the
     * {@code ServiceBusAuthorization} header or the {@code sb-hc-token} query parameter.
     */
    public String token(String entityPath) {
        NamespaceConfig config = namespaceConfig(defaultNamespace());
        AuthorizationRuleConfig rule = config.authorizationRules().get(0);
        return SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(config.hostName(),
                requireNonNull(entityPath, "entityPath")), rule.name(), rule.primaryKey(),
                Instant.now().plus(TOKEN_LIFETIME));
    }

    /** The development CA's certificate file (PEM), e.g. for {@code NODE_EXTRA_CA_CERTS}. */
    public Path caCertificatePath() {
        return ca().caCertificatePem();
    }

    /** The development CA's certificate as PEM text. */
    public String caCertificatePem() {
        try {
            return Files.readString(caCertificatePath(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PKCS#12 truststore holding the CA ({@code -Djavax.net.ssl.trustStore}). */
    public Path truststorePath() {
        return ca().truststore();
    }

    public String truststorePassword() {
        return ca().truststorePassword();
    }

    /** A JDK TLS context trusting the development CA and nothing else (for {@code HttpClient}, WebSockets, ...). */
    public SSLContext sslContext() {
        return gateway.sslContext();
    }

    /** The management API (private endpoint connections, network rule sets, ...). */
    public RelaysimManagement management() {
        return management;
    }

    /** The split-horizon DNS responder (UDP and TCP): public names resolve to {@link #address()}. */
    public InetSocketAddress dnsAddress() {
        return gateway.addresses().dns().orElseThrow();
    }

    /** Every bound address (front ends, rendezvous ports, management, DNS). */
    public GatewayAddresses addresses() {
        return gateway.addresses();
    }

    /** The configuration the gateway runs. */
    public GatewayConfig config() {
        return gateway.config();
    }

    @Override
    public String toString() {
        return "relaysim gateway on " + address.getHostAddress() + " (TLS " + tlsPort() + ", management "
                + management.url() + ')';
    }

    private URI hcUri(String entityPath, String action) {
        return URI.create("wss://" + address.getHostAddress() + ':' + tlsPort() + "/$hc/"
                + requireNonNull(entityPath, "entityPath") + "?sb-hc-action=" + action);
    }

    private NamespaceConfig namespaceConfig(String namespace) {
        GatewayConfig config = gateway.config();
        return config.namespace(requireNonNull(namespace, "namespace")).orElseThrow(() -> new IllegalArgumentException(
                "namespace: \"" + namespace + "\" (expected: one of " + config.namespaces().stream()
                        .map(NamespaceConfig::name).toList() + ')'));
    }

    private DevCertificateAuthority ca() {
        return gateway.server().certificateAuthority();
    }
}
