package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.http.HttpExchanges;
import dev.relaysim.relay.gateway.internal.http.HttpRequestMode;
import dev.relaysim.relay.gateway.internal.http.RequestRendezvousRouter;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.internal.relay.RelaySettings;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousTable;
import io.netty.channel.group.ChannelGroup;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Assembles what the pipelines of one gateway share (settings, namespaces, the authorizer, the rendezvous table,
 * every open channel and every relay pair) into the routers and handlers, each of which gets only the collaborators
 * it uses; the gateway server reads its live tables here. Thread-safe.
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
    private final EventJournal events;
    private final AtomicReference<RendezvousFaults> rendezvousFaults = new AtomicReference<>(RendezvousFaults.NONE);
    private final Gatekeeper gatekeeper;
    private final Refusals refusals;
    private final ConnectionMeters meters;
    private final HttpRequestMode httpRequestMode;
    private final UpgradeRouter.Routes routes;

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
     * With an event journal of {@link EventJournal#DEFAULT_CAPACITY}.
     *
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     * @param limits connections per source, waiting senders per hybrid connection, relayed connections per namespace
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard,
                          LimitSettings limits) {
        this(protocol, registry, rendezvousPorts, channels, clock, metrics, networkGuard, limits,
                new EventJournal(EventJournal.DEFAULT_CAPACITY));
    }

    /**
     * A gateway alone, not a node of a cluster.
     *
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     * @param limits connections per source, waiting senders per hybrid connection, relayed connections per namespace
     * @param events where the pipelines journal listeners, rendezvous, relayed connections and refusals
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard,
                          LimitSettings limits, EventJournal events) {
        this(protocol, registry, rendezvousPorts, channels, clock, metrics, networkGuard, limits, events,
                ListenerCluster.SINGLE_NODE);
    }

    /**
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     * @param limits connections per source, waiting senders per hybrid connection, relayed connections per namespace
     * @param events where the pipelines journal listeners, rendezvous, relayed connections and refusals
     * @param cluster the listeners of the other nodes ({@link ListenerCluster#SINGLE_NODE} without a cluster)
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard,
                          LimitSettings limits, EventJournal events, ListenerCluster cluster) {
        requireNonNull(cluster, "cluster");
        this.events = requireNonNull(events, "events");
        this.limits = new ConnectionLimits(limits, cluster.counts());
        rendezvousTable = new RendezvousTable(limits.maxPendingRendezvousPerEntity(), cluster.counts());
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
        gatekeeper = new Gatekeeper(registry, networkGuard, authorizer, this.limits);
        refusals = new Refusals(metrics, events, clock, registry);
        meters = new ConnectionMeters(metrics, events, clock);
        httpRequestMode = new HttpRequestMode(gatekeeper, refusals, protocol, rendezvousPorts, httpExchanges, metrics,
                cluster);
        cluster.serveExchanges(httpExchanges);
        WebSocketUpgrades.ProtocolHandlers protocolHandlers = new WebSocketUpgrades.ProtocolHandlers(protocol);
        RendezvousHandshake handshake = new RendezvousHandshake(protocolHandlers, relaySettings, refusals, meters,
                networkGuard, relayPairs);
        routes = new UpgradeRouter.Routes(refusals, metrics,
                new ListenRouter(gatekeeper, refusals, meters, protocol, protocolHandlers, authorizer, httpExchanges,
                        clock, networkGuard, cluster),
                new ConnectRouter(gatekeeper, refusals, meters, protocol, rendezvousPorts, rendezvousTable, cluster),
                new AcceptRouter(gatekeeper, refusals, meters, rendezvousTable, handshake),
                new RequestRendezvousRouter(httpRequestMode, protocolHandlers));
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
        return meters.of(entity);
    }

    /** The one admission step of every inbound request. */
    public Gatekeeper gatekeeper() {
        return gatekeeper;
    }

    /** Answers, logs, counts and journals every refusal. */
    public Refusals refusals() {
        return refusals;
    }

    /** What HTTP request mode's handlers use. */
    public HttpRequestMode httpRequestMode() {
        return httpRequestMode;
    }

    /** The routers of the four WebSocket actions, shared by every port's {@link UpgradeRouter}. */
    UpgradeRouter.Routes routes() {
        return routes;
    }

    /** The event journal. */
    public EventJournal events() {
        return events;
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

    /** The relay pairs still relaying. */
    public Set<RelayPair> relayPairs() {
        return relayPairs;
    }
}
