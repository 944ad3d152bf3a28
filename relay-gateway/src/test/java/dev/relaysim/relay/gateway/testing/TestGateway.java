package dev.relaysim.relay.gateway.testing;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.protocol.PercentCodec;
import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.gateway.GatewayAddresses;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.DnsSettings;
import dev.relaysim.relay.gateway.config.EmbeddedPortBlocks;
import dev.relaysim.relay.gateway.config.EventSettings;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.embedded.EmbeddedGateway;
import dev.relaysim.relay.gateway.embedded.LoopbackAddresses;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.VirtualNetwork;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/**
 * An in-process gateway for tests: a {@link GatewayServer} on a temporary data directory with port-0 front ends
 * and a block of rendezvous ports, plus what clients need to reach it (URIs, tokens, an {@code SSLContext} and a
 * JDK {@code HttpClient} trusting its development CA). Use it directly ({@code try (TestGateway gateway =
 * TestGateway.builder().start())}) or through {@link GatewayExtension}.
 *
 * <p>The default configuration ({@link #defaultNamespaces()}): namespace {@value #NAMESPACE} (host
 * {@value #HOST}, the default namespace) with rules {@value #KEY_NAME} (Listen, Send, Manage; the development
 * keys), {@value #LISTEN_KEY_NAME} (Listen) and {@value #SEND_KEY_NAME} (Send); hybrid connections
 * {@value #ENTITY}, {@value #OPEN_ENTITY} ({@code requiresClientAuthorization=false}) and {@value #NESTED_ENTITY};
 * and namespace {@value #OTHER_NAMESPACE} (host {@value #OTHER_HOST}) with hybrid connection {@value #ENTITY}.
 *
 * <p>Unless a data directory is given, every test gateway of the JVM shares one temporary data directory
 * ({@link EmbeddedGateway#sharedDataDirectory()}), deleted when the JVM exits, so that the development CA is created
 * once per JVM.
 *
 * <p>Test gateways never need the ports a running {@code ./relaysim gateway} owns on 127.0.0.1 (9443, 9080, 9390,
 * 1053, 9400-9599): front ends, the management server and the DNS responder use ephemeral ports, and unless a range
 * is given the rendezvous ports are a random block of {@value #DEFAULT_BLOCK} ports from {@link EmbeddedPortBlocks},
 * so that test JVMs running at the same time rarely collide; a collision is retried with another block. A test that
 * needs fixed ports (the full 9400-9599 range, say) asks for {@link Builder#isolatedAddress()}: the gateway then
 * binds to a random loopback address of its own, and {@link #host()} names it.
 */
public final class TestGateway implements AutoCloseable {

    public static final String NAMESPACE = "sandbox";
    public static final String HOST = "sandbox.servicebus.windows.net";
    public static final String OTHER_NAMESPACE = "contoso";
    public static final String OTHER_HOST = "contoso.servicebus.windows.net";
    public static final String ENTITY = "echo";
    public static final String OPEN_ENTITY = "open";
    public static final String NESTED_ENTITY = "orders/eu";
    public static final String KEY_NAME = DevDefaults.KEY_NAME;
    public static final String KEY = DevDefaults.KEY;
    public static final String SECONDARY_KEY = DevDefaults.SECONDARY_KEY;
    public static final String LISTEN_KEY_NAME = "listen-only";
    public static final String LISTEN_KEY = "bGlzdGVuLW9ubHkta2V5LWZvci10ZXN0cw==";
    public static final String SEND_KEY_NAME = "send-only";
    public static final String SEND_KEY = "c2VuZC1vbmx5LWtleS1mb3ItdGVzdHMtb25seQ==";
    public static final int DEFAULT_BLOCK = 10;

    private static final int BIND_ATTEMPTS = 20;

    private final EmbeddedGateway gateway;
    private final String host;
    private final Path dataDirectory;
    private final HttpClient httpClient;

    private TestGateway(EmbeddedGateway gateway, Path dataDirectory) {
        this.gateway = gateway;
        host = gateway.config().listen().bindAddress();
        this.dataDirectory = dataDirectory;
        httpClient = HttpClient.newBuilder().sslContext(gateway.sslContext()).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The namespaces of the default configuration, see the class comment. */
    public static List<NamespaceConfig> defaultNamespaces() {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(KEY_NAME, KEY, SECONDARY_KEY,
                EnumSet.allOf(AccessRight.class));
        AuthorizationRuleConfig listenOnly = new AuthorizationRuleConfig(LISTEN_KEY_NAME, LISTEN_KEY, LISTEN_KEY,
                EnumSet.of(AccessRight.LISTEN));
        AuthorizationRuleConfig sendOnly = new AuthorizationRuleConfig(SEND_KEY_NAME, SEND_KEY, SEND_KEY,
                EnumSet.of(AccessRight.SEND));
        NamespaceConfig sandbox = new NamespaceConfig(NAMESPACE, HOST, List.of(root, listenOnly, sendOnly), List.of(
                new HybridConnectionConfig(ENTITY, true, List.of()),
                new HybridConnectionConfig(OPEN_ENTITY, false, List.of()),
                new HybridConnectionConfig(NESTED_ENTITY, true, List.of())));
        NamespaceConfig other = new NamespaceConfig(OTHER_NAMESPACE, OTHER_HOST, List.of(root),
                List.of(new HybridConnectionConfig(ENTITY, true, List.of())));
        return List.of(sandbox, other);
    }

    /**
     * The Private Link scenario's namespaces: {@value #NAMESPACE} (public) and {@value #OTHER_NAMESPACE} (public
     * network access disabled, reached only through private endpoints), each with rule {@value #KEY_NAME} (Listen,
     * Send, Manage; the development keys) and hybrid connection {@value #ENTITY}.
     */
    public static List<NamespaceConfig> privateLinkNamespaces() {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(KEY_NAME, KEY, SECONDARY_KEY,
                EnumSet.allOf(AccessRight.class));
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig(ENTITY, true, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(NAMESPACE, HOST, List.of(root), echo);
        NamespaceConfig contoso = new NamespaceConfig(OTHER_NAMESPACE, OTHER_HOST, List.of(root), echo, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false), List.of());
        return List.of(sandbox, contoso);
    }

    /** Protocol settings for tests: the defaults with a 10 s rendezvous timeout and a 2 s shutdown timeout. */
    public static ProtocolSettings defaultProtocol() {
        return new ProtocolSettings(Duration.ofSeconds(10), Duration.ofSeconds(10), 16 * 1024 * 1024, 25,
                Duration.ofSeconds(2));
    }

    /** {@link #defaultProtocol()} with another response timeout and token expiry grace. */
    public static ProtocolSettings defaultProtocol(Duration responseTimeout, Duration tokenExpiryGrace) {
        ProtocolSettings defaults = defaultProtocol();
        return new ProtocolSettings(defaults.rendezvousTimeout(), defaults.handshakeTimeout(),
                defaults.maxMessageSize(),
                defaults.maxListenersPerEndpoint(), defaults.shutdownTimeout(), responseTimeout, tokenExpiryGrace);
    }

    public GatewayServer server() {
        return gateway.server();
    }

    /** The address every port of this gateway is bound to: 127.0.0.1, or its own with {@link
     * Builder#isolatedAddress()}. */
    public String host() {
        return host;
    }

    public GatewayAddresses addresses() {
        return gateway.addresses();
    }

    public GatewayConfig config() {
        return gateway.config();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Trusts the gateway's development CA (and nothing else). */
    public SSLContext sslContext() {
        return gateway.sslContext();
    }

    /** A JDK client trusting the development CA. */
    public HttpClient httpClient() {
        return httpClient;
    }

    /**
     * {@code wss://localhost:<tls port>/$hc/<entity>?<query>} or {@code ws://127.0.0.1:<plain port>/...}; with an
     * {@link Builder#isolatedAddress() isolated address}, that address instead of localhost and 127.0.0.1.
     */
    public URI uri(boolean tls, String entityPath, String query) {
        String base = tls
                ? "wss://" + ("127.0.0.1".equals(host) ? "localhost" : host) + ':' + addresses().tlsPort()
                : "ws://" + host + ':' + addresses().plainPort();
        return URI.create(base + "/$hc/" + entityPath + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    public URI listenUri(boolean tls, String entityPath) {
        return uri(tls, entityPath, "sb-hc-action=listen");
    }

    public URI connectUri(boolean tls, String entityPath) {
        return uri(tls, entityPath, "sb-hc-action=connect");
    }

    /** A one-hour token of {@value #KEY_NAME} for {@code http://sandbox.servicebus.windows.net/<entity>/}. */
    public static String token(String entityPath) {
        return token(entityPath, KEY_NAME, KEY, Instant.now().plus(Duration.ofHours(1)));
    }

    /** A token for {@code http://sandbox.servicebus.windows.net/<entity>/} (the .NET SDK's audience form). */
    public static String token(String entityPath, String keyName, String key, Instant expiresAt) {
        return SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(HOST, entityPath), keyName, key,
                expiresAt);
    }

    /**
     * {@code token} with one bit of its signature flipped and nothing else changed: still a well-formed token, which
     * the gateway must refuse for its signature. (Changing a character of the encoded value instead would break the
     * percent-encoding of a signature that starts with '+' or '/', and test a malformed token.)
     */
    public static String withSignatureTampered(String token) {
        int start = token.indexOf("sig=") + 4;
        int end = token.indexOf('&', start);
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(SasToken.parse(token).signature());
        } catch (SasTokenException e) {
            throw new IllegalArgumentException("not a token: " + e.getMessage(), e);
        }
        signature[0] ^= 1;
        return token.substring(0, start) + PercentCodec.encode(Base64.getEncoder().encodeToString(signature))
                + (end < 0 ? "" : token.substring(end));
    }

    /**
     * Sends a request to the management server: {@code pathAndQuery} such as {@code /health} or an ARM path with its
     * {@code ?api-version=}, a JSON body or null, an {@code Authorization} header value or null.
     */
    public HttpResponse<String> management(String method, String pathAndQuery, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ':'
                        + addresses().managementPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return httpClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Closes the gateway gracefully (its data directory stays). */
    @Override
    public void close() {
        gateway.close();
    }

    /** Configures a {@link TestGateway}; every setting has a test-friendly default. */
    public static final class Builder {

        private List<NamespaceConfig> namespaces = defaultNamespaces();
        private String defaultNamespace = NAMESPACE;
        private ProtocolSettings protocol = defaultProtocol();
        private PortRange rendezvousPorts;
        private boolean tls = true;
        private int tlsPort;
        private boolean plain = true;
        private boolean management = true;
        private Path dataDirectory;
        private Clock clock = Clock.systemUTC();
        private List<VirtualNetwork> virtualNetworks = List.of();
        private boolean dns;
        private LimitSettings limits = LimitSettings.DEFAULTS;
        private boolean persistent;
        private EventSettings events = EventSettings.DEFAULTS;
        private boolean isolatedAddress;
        private AdvertisedSettings advertised = AdvertisedSettings.NONE;

        private Builder() {
        }

        /** The event journal's ring size and file (the defaults: 10000 events, no file). */
        public Builder events(EventSettings events) {
            this.events = requireNonNull(events, "events");
            return this;
        }

        /**
         * Binds every port to a random loopback address from {@link LoopbackAddresses} instead of 127.0.0.1 (another
         * one is tried when a port is taken there), for tests that need fixed port numbers such as the full 9400-9599
         * range, which a running {@code ./relaysim gateway} holds on 127.0.0.1. Clients reach it through
         * {@link TestGateway#host()}, {@link TestGateway#uri} and {@link TestGateway#management}.
         */
        public Builder isolatedAddress() {
            this.isolatedAddress = true;
            return this;
        }

        /** What clients are told instead of the bound host and ports (nothing by default). */
        public Builder advertised(AdvertisedSettings advertised) {
            this.advertised = requireNonNull(advertised, "advertised");
            return this;
        }

        /** Connections per source, waiting senders per hybrid connection, relayed per namespace (the defaults). */
        public Builder limits(LimitSettings limits) {
            this.limits = requireNonNull(limits, "limits");
            return this;
        }

        /** The simulated virtual networks the namespaces' private endpoints sit in (none by default). */
        public Builder virtualNetworks(List<VirtualNetwork> virtualNetworks) {
            this.virtualNetworks = List.copyOf(requireNonNull(virtualNetworks, "virtualNetworks"));
            return this;
        }

        public Builder namespaces(List<NamespaceConfig> namespaces, String defaultNamespace) {
            this.namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
            this.defaultNamespace = requireNonNull(defaultNamespace, "defaultNamespace");
            return this;
        }

        /** {@link #privateLinkNamespaces()}, {@value #NAMESPACE} the default namespace. */
        public Builder privateLinkScenario() {
            return namespaces(privateLinkNamespaces(), NAMESPACE);
        }

        public Builder protocol(ProtocolSettings protocol) {
            this.protocol = requireNonNull(protocol, "protocol");
            return this;
        }

        /** A fixed rendezvous range (no retry on a port collision). */
        public Builder rendezvousPorts(PortRange rendezvousPorts) {
            this.rendezvousPorts = requireNonNull(rendezvousPorts, "rendezvousPorts");
            return this;
        }

        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** A fixed TLS front-end port (0, ephemeral, by default). */
        public Builder tlsPort(int tlsPort) {
            this.tlsPort = tlsPort;
            return this;
        }

        public Builder plain(boolean plain) {
            this.plain = plain;
            return this;
        }

        /** Whether the management server runs (on an ephemeral port; by default it does). */
        public Builder management(boolean management) {
            this.management = management;
            return this;
        }

        /** Whether the DNS responder runs (on 127.0.0.1, an ephemeral port; by default it does not). */
        public Builder dns(boolean dns) {
            this.dns = dns;
            return this;
        }

        /** A data directory to keep (and reuse the CA from); by default one shared by the JVM's test gateways. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /**
         * Whether the data directory counts as configured explicitly, so that management API changes are saved there
         * and restored at start (by default not).
         */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** The configuration {@link #start()} would use first. */
        public GatewayConfig config(Path directory, PortRange ports) {
            return config(directory, ports, "127.0.0.1");
        }

        private GatewayConfig config(Path directory, PortRange ports, String bindAddress) {
            return GatewayConfig.builder()
                    .listen(new ListenSettings(bindAddress, tls, tlsPort, plain, 0, ports, management, 0,
                            ListenSettings.DEFAULT_ADMIN_KEY, advertised))
                    .protocol(protocol)
                    .dataDirectory(directory, persistent)
                    .namespaces(namespaces, defaultNamespace)
                    .virtualNetworks(virtualNetworks)
                    .dns(dns ? new DnsSettings(true, "127.0.0.1", 0, DnsFaults.NONE) : DnsSettings.DISABLED)
                    .limits(limits)
                    .events(events)
                    .build();
        }

        public TestGateway start() {
            Path directory = dataDirectory != null ? dataDirectory : EmbeddedGateway.sharedDataDirectory();
            LoopbackAddresses addresses = isolatedAddress
                    ? new LoopbackAddresses(List.of(), ThreadLocalRandom.current()) : null;
            EmbeddedGateway gateway = EmbeddedGateway.start(attempt -> config(directory,
                            rendezvousPorts != null ? rendezvousPorts : EmbeddedPortBlocks.random(DEFAULT_BLOCK),
                            isolatedAddress ? addresses.next().getHostAddress() : "127.0.0.1"),
                    rendezvousPorts == null || isolatedAddress ? BIND_ATTEMPTS : 1, clock);
            return new TestGateway(gateway, directory);
        }
    }
}
