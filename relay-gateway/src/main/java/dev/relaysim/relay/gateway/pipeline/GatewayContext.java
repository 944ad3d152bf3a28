package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.http.HttpExchanges;
import dev.relaysim.relay.gateway.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkState;
import dev.relaysim.relay.gateway.registry.HybridConnection;
import dev.relaysim.relay.gateway.registry.Namespace;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.relay.RelayPair;
import dev.relaysim.relay.gateway.relay.RelaySettings;
import dev.relaysim.relay.gateway.rendezvous.RendezvousFaults;
import dev.relaysim.relay.gateway.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.rendezvous.RendezvousTable;
import io.netty.channel.group.ChannelGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * What the pipelines of one gateway share: settings, namespaces, the authorizer, the rendezvous table, every open
 * channel and every relay pair. Thread-safe.
 */
public final class GatewayContext {

    /** How long a relay pair waits for the second close frame once it forwarded the first. */
    public static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Largest upgrade request body (upgrade requests have none; anything bigger is answered 413). */
    public static final int MAX_REQUEST_CONTENT_LENGTH = 64 * 1024;
    /** Longest request line (431 beyond). */
    public static final int MAX_INITIAL_LINE_LENGTH = 16 * 1024;
    /** Largest header block (431 beyond). */
    public static final int MAX_HEADER_SIZE = 32 * 1024;

    private final ProtocolSettings protocol;
    private final NamespaceRegistry registry;
    private final RelayAuthorizer authorizer;
    private final RendezvousPorts rendezvousPorts;
    private final RendezvousTable rendezvousTable;
    private final ConnectionLimits limits;
    private final RelaySettings relaySettings;
    private final ChannelGroup channels;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final Set<RelayPair> relayPairs = ConcurrentHashMap.newKeySet();
    private final HttpExchanges httpExchanges = new HttpExchanges();
    private final NetworkGuard networkGuard;
    private final AtomicReference<RendezvousFaults> rendezvousFaults = new AtomicReference<>(RendezvousFaults.NONE);

    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics) {
        this(protocol, registry, rendezvousPorts, channels, clock, metrics,
                new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))));
    }

    /**
     * With the default limits.
     *
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard) {
        this(protocol, registry, rendezvousPorts, channels, clock, metrics, networkGuard, LimitSettings.DEFAULTS);
    }

    /**
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     * @param limits connections per source, waiting senders per hybrid connection, relayed connections per namespace
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard,
                          LimitSettings limits) {
        this.limits = new ConnectionLimits(limits);
        rendezvousTable = new RendezvousTable(limits.maxPendingRendezvousPerEntity());
        this.networkGuard = requireNonNull(networkGuard, "networkGuard");
        this.protocol = requireNonNull(protocol, "protocol");
        this.registry = requireNonNull(registry, "registry");
        this.rendezvousPorts = requireNonNull(rendezvousPorts, "rendezvousPorts");
        this.channels = requireNonNull(channels, "channels");
        this.clock = requireNonNull(clock, "clock");
        this.metrics = requireNonNull(metrics, "metrics");
        authorizer = new RelayAuthorizer(clock);
        relaySettings = new RelaySettings(HybridConnectionConstants.RELAY_FRAGMENT_SIZE, protocol.maxMessageSize(),
                CLOSE_HANDSHAKE_TIMEOUT);
    }

    public ProtocolSettings protocol() {
        return protocol;
    }

    public NamespaceRegistry registry() {
        return registry;
    }

    public RelayAuthorizer authorizer() {
        return authorizer;
    }

    public RendezvousPorts rendezvousPorts() {
        return rendezvousPorts;
    }

    public RendezvousTable rendezvousTable() {
        return rendezvousTable;
    }

    /** The connection counts per source address and per namespace, and their limits. */
    public ConnectionLimits limits() {
        return limits;
    }

    public RelaySettings relaySettings() {
        return relaySettings;
    }

    /** Every connection the gateway accepted and every server channel, for closing them all. */
    public ChannelGroup channels() {
        return channels;
    }

    public Clock clock() {
        return clock;
    }

    /** Where the pipelines record what they do. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The meters of {@code entity}. */
    public EntityMetrics metrics(HybridConnection entity) {
        return metrics.entity(entity.namespace().name(), entity.name());
    }

    /** The HTTP-mode requests waiting for or receiving their response. */
    public HttpExchanges httpExchanges() {
        return httpExchanges;
    }

    /** The live rendezvous fault toggle: blocked sub-ranges of the rendezvous ports, read per accepted connection. */
    public AtomicReference<RendezvousFaults> rendezvousFaults() {
        return rendezvousFaults;
    }

    /** Judges connections by the network settings and closes those a change no longer admits. */
    public NetworkGuard networkGuard() {
        return networkGuard;
    }

    /**
     * The namespace a request is for, as {@link NamespaceRegistry#resolve} finds it; but a request that names no
     * namespace ({@code localhost} or an IP literal, no namespace in SNI) and arrived at a private endpoint's address
     * is for that endpoint's namespace, as a private IP leads to one namespace only.
     */
    public Optional<Namespace> resolveNamespace(String host, String serverName, SocketAddress local) {
        boolean unnamed = (host == null || host.isEmpty() || NamespaceRegistry.isLoopbackName(host))
                && (serverName == null || NamespaceRegistry.isLoopbackName(serverName));
        if (unnamed && local instanceof InetSocketAddress inet) {
            Optional<String> owner = networkGuard.privateEndpointNamespace(inet);
            if (owner.isPresent()) {
                return registry.namespaces().stream()
                        .filter(namespace -> namespace.name().equalsIgnoreCase(owner.get())).findFirst();
            }
        }
        return registry.resolve(host, serverName);
    }

    /** The relay pairs still relaying. */
    public Set<RelayPair> relayPairs() {
        return relayPairs;
    }

    /** Remembers a relay pair until it is closed, so that shutdown can wait for it. */
    void track(RelayPair pair) {
        relayPairs.add(pair);
        pair.closeFuture().addListener(closed -> relayPairs.remove(pair));
    }
}
