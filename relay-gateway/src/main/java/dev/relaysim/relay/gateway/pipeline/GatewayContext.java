package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.gateway.admission.NetworkGuard;
import dev.relaysim.relay.gateway.admission.ServiceErrors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.events.EventJournal;
import dev.relaysim.relay.gateway.events.JournalingEntityMetrics;
import dev.relaysim.relay.gateway.events.RelayEvent;
import dev.relaysim.relay.gateway.http.HttpExchanges;
import dev.relaysim.relay.gateway.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
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
import io.netty.channel.Channel;
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
    private final EventJournal events;
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
     * @param networkGuard enforces the network settings (Private Link, IP rules) on every connection
     * @param limits connections per source, waiting senders per hybrid connection, relayed connections per namespace
     * @param events where the pipelines journal listeners, rendezvous, relayed connections and refusals
     */
    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock, GatewayMetrics metrics, NetworkGuard networkGuard,
                          LimitSettings limits, EventJournal events) {
        this.events = requireNonNull(events, "events");
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

    /**
     * The meters of {@code entity} for one connection, journaling its moments as well ({@link JournalingEntityMetrics}).
     *
     * @param listenerId the listener's id, or null
     * @param trackingId the rendezvous id, or null
     * @param client the client's channel, whose remote address is the event's source
     */
    public EntityMetrics metrics(HybridConnection entity, String listenerId, String trackingId, Channel client) {
        return new JournalingEntityMetrics(metrics(entity), events, clock, entity.namespace().name(), entity.name(),
                listenerId, trackingId, source(client));
    }

    /** The event journal. */
    public EventJournal events() {
        return events;
    }

    /**
     * Counts and journals a refused request: {@code AuthorizationFailed} for {@link RefusalReason#AUTH}, else
     * {@code ConnectionRefused} with the reason's tag. Every refusal of the gateway, on any port and in any mode,
     * goes through here (or through {@link #requestFailed}), on the refused channel's event loop.
     *
     * @param status the status code answered, or 0 where the connection was closed without an answer
     * @param tracker {@code <host>:<path>}, the error text's system tracker, for the event's namespace and entity;
     *                {@link ServiceErrors#addressTracker} (no request head read) names neither
     * @param detail what decided, as logged (for network rules, the rule)
     */
    public void refused(Channel client, RefusalReason why, int status, String tracker, String trackingId,
                        String detail) {
        metrics.refused(why);
        journal(why == RefusalReason.AUTH ? RelayEvent.Operation.AUTHORIZATION_FAILED
                : RelayEvent.Operation.CONNECTION_REFUSED, client, why, status, tracker, null, trackingId, detail);
    }

    /**
     * Journals an HTTP-mode request that reached a listener and failed there (it is counted by its status, through
     * {@link GatewayMetrics#httpRequest}, not as a refusal): {@code ListenerAcceptingRequestTimeout} for 504,
     * reason {@code timeout}; {@code ListenerReturningHttpResponseFailed} otherwise, with the reason
     * {@link RefusalReason#forStatus} gives ({@code endpoint_state} for 502).
     *
     * @param status the status code of the failure (502, 504)
     * @param answered whether the sender got {@code status}; false where its connection was closed mid-response,
     *                 and the event then has no {@code statusCode}
     * @param tracker the error text's system tracker, {@code <host>:<path>}
     */
    public void requestFailed(Channel sender, int status, boolean answered, String tracker, String listenerId,
                              String trackingId, String detail) {
        boolean timeout = status == 504;
        journal(timeout ? RelayEvent.Operation.LISTENER_ACCEPTING_REQUEST_TIMEOUT
                        : RelayEvent.Operation.LISTENER_RETURNING_HTTP_RESPONSE_FAILED, sender,
                timeout ? RefusalReason.TIMEOUT : RefusalReason.forStatus(status), answered ? status : 0, tracker,
                listenerId, trackingId, detail);
    }

    /** Records the event of a refusal: a cheap append to the journal's ring. */
    private void journal(RelayEvent.Operation operation, Channel client, RefusalReason why, int status,
                         String tracker, String listenerId, String trackingId, String detail) {
        String namespace = null;
        String path = null;
        if (!tracker.equals(ServiceErrors.addressTracker(client))) {
            int colon = tracker.indexOf(':');
            String host = colon < 0 ? tracker : tracker.substring(0, colon);
            path = colon < 0 || colon == tracker.length() - 1 ? null : tracker.substring(colon + 1);
            namespace = host.isEmpty() ? null : registry.resolve(host, null).map(Namespace::name).orElse(null);
        }
        ObjectNode details = RelayEvent.newDetails();
        if (status > 0) {
            details.put("statusCode", status);
        }
        details.put("reason", why.tagValue());
        if (why == RefusalReason.NETWORK_RULE) {
            details.put("rule", detail);
        }
        String message = LogRedaction.redact(detail);
        events.record(new RelayEvent(clock.instant(), operation, namespace, path, listenerId, trackingId,
                source(client), status > 0 ? status + ": " + message : message, details));
    }

    private static String source(Channel client) {
        return client.remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress() + ':' + address.getPort() : null;
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
