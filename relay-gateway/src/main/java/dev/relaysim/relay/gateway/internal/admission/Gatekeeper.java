package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.admission.AdmissionRequest.Kind;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationRequest;
import dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

import static java.util.Objects.requireNonNull;

/**
 * The one admission step every inbound request passes, whatever it opens: a listener's control channel, a sender's
 * WebSocket, an HTTP-mode request, or a listener's rendezvous ({@code accept}, {@code request}). In this order:
 * <ol>
 *   <li>namespace (from {@code Host}/SNI, or the private endpoint the connection reached): else 404
 *       {@value #ENDPOINT_DOES_NOT_EXIST};</li>
 *   <li>network rules ({@link NetworkGuard}, from the connection's real addresses): else 401
 *       {@value NetworkGuard#IP_REFUSED}, before SAS;</li>
 *   <li>the request's own form (not a valid WebSocket upgrade: 400/426);</li>
 *   <li>SAS ({@link RelayAuthorizer}: entity 404, token 401, right 403), and where the network rules admit trusted
 *       services only, a grant by a rule flagged {@code trustedService} (else the network's 401).</li>
 * </ol>
 * The limits a request counts against once admitted (listeners per hybrid connection, relayed connections per
 * namespace, waiting senders, connections per source) are judged here too, by the routers at the point their
 * action takes a place. Every refusal is a {@link Refusal}, which {@link Refusals} answers. Thread-safe.
 */
public final class Gatekeeper {

    /** The service's text for an unknown namespace or hybrid connection (404). */
    public static final String ENDPOINT_DOES_NOT_EXIST = "Endpoint does not exist.";
    /** The service's text for a rendezvous address that is unknown, used, expired or rewritten (403). */
    public static final String INVALID_RENDEZVOUS = "The rendezvous address is invalid or has expired.";

    private final NamespaceRegistry registry;
    private final NetworkGuard networkGuard;
    private final RelayAuthorizer authorizer;
    private final ConnectionLimits limits;

    public Gatekeeper(NamespaceRegistry registry, NetworkGuard networkGuard, RelayAuthorizer authorizer,
                      ConnectionLimits limits) {
        this.registry = requireNonNull(registry, "registry");
        this.networkGuard = requireNonNull(networkGuard, "networkGuard");
        this.authorizer = requireNonNull(authorizer, "authorizer");
        this.limits = requireNonNull(limits, "limits");
    }

    /**
     * Judges a {@code listen}, {@code connect} or HTTP-mode request. An admitted WebSocket keeps what the network
     * rules admitted it with on its channel ({@link NetworkGuard#remember}), for the re-checks of a live change.
     */
    public Verdict admit(AdmissionRequest request) {
        Channel channel = request.channel();
        RelayRequestTarget target = request.target();
        Optional<Namespace> found = resolveNamespace(request.host(), serverName(channel), channel.localAddress());
        if (found.isEmpty()) {
            return Refusal.of(404, ENDPOINT_DOES_NOT_EXIST, request.tracker(),
                    "no namespace has host name '" + request.host() + "'");
        }
        Namespace namespace = found.get();
        String namespaceTracker = namespace.hostName() + ':' + target.path();
        NetworkGuard.Decision network = networkGuard.judge(channel, namespace.name());
        boolean websocket = request.kind() == Kind.WEBSOCKET;
        if (network.refused()) {
            String rule = network.admission().rule();
            return Refusal.network(namespaceTracker, websocket ? "network rules: " + rule : rule);
        }
        if (request.malformed() != null) {
            return request.malformed();
        }
        String token = request.headers().get(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION);
        if (token == null) {
            token = target.token().orElse(null);
        }
        boolean authorizationHeaderIsToken = false;
        if (token == null && !websocket && tokenRequired(namespace, target.path())) {
            // HTTP request mode only, where the entity requires a token: Authorization carries it alone.
            token = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            authorizationHeaderIsToken = token != null;
        }
        AuthorizationRequest authorization = new AuthorizationRequest(namespace, target.path(), request.host(), token,
                request.right());
        AuthorizationDecision decision = authorizer.authorize(authorization);
        boolean trusted = decision instanceof Granted grant
                && NetworkGuard.isTrustedService(grant.match().entity(), grant.keyName());
        if (network.trustedServicesOnly() && !trusted) {
            String rule = network.admission().rule();
            return Refusal.network(namespaceTracker, !websocket ? rule + "; the caller is not a trusted service"
                    : "network rules: " + rule + (decision instanceof Refused refused
                    ? "; and SAS refused: " + refused.reason() : "; the caller's rule is not a trusted service"));
        }
        if (decision instanceof Refused refused) {
            return Refusal.of(refused.statusCode(), refused.message(), refused.systemTracker(), refused.reason());
        }
        if (websocket) {
            NetworkGuard.remember(channel, network.admitted(network.trustedServicesOnly()));
        }
        return new Verdict.Admitted(authorization, (Granted) decision, authorizationHeaderIsToken);
    }

    /**
     * Judges a listener's {@code accept} connection for the namespace of the rendezvous it opens; on success keeps
     * what it was admitted with on the channel. The rendezvous address is single-use and was handed only to an
     * admitted listener, so {@code TrustedServicesOnly} admits it (as a trusted service). A refused one leaves the
     * rendezvous waiting, as a listener that cannot reach the port leaves it in Azure.
     */
    public Optional<Refusal> admitAccept(Channel channel, HybridConnection entity) {
        NetworkGuard.Decision network = networkGuard.judge(channel, entity.namespace().name());
        if (network.refused()) {
            return Optional.of(Refusal.network(entity.systemTracker(), "network rules: " + network.admission().rule()));
        }
        NetworkGuard.remember(channel, network.admitted(network.trustedServicesOnly()));
        return Optional.empty();
    }

    /**
     * Judges a listener's request rendezvous ({@code request}) for the namespace its control channel was admitted
     * for; one whose control channel has no admission (no IP connection) is not judged.
     */
    public Optional<Refusal> admitRequestRendezvous(Channel channel, ListenerConnection listener, String tracker) {
        NetworkGuard.Admitted listenerAdmitted = listener.channel().attr(NetworkGuard.ADMITTED).get();
        if (listenerAdmitted == null) {
            return Optional.empty();
        }
        NetworkGuard.Decision network = networkGuard.judge(channel, listenerAdmitted.namespace());
        return network.refused()
                ? Optional.of(Refusal.network(tracker, "network rules: " + network.admission().rule()))
                : Optional.empty();
    }

    /**
     * Whether a rendezvous address was opened for the hybrid connection it was issued for: its path names that
     * hybrid connection, and its host names no other namespace. A rewritten address is refused (and the rendezvous
     * stays waiting), so an id never opens another entity's or namespace's connection.
     */
    public boolean openedAsIssued(String host, RelayRequestTarget target, HybridConnection entity) {
        Namespace namespace = entity.namespace();
        boolean sameEntity = namespace.match(target.path()).filter(match -> match.entity() == entity).isPresent();
        boolean otherNamespace = !host.isEmpty() && !NamespaceRegistry.isLoopbackName(host)
                && registry.resolve(host, null).filter(named -> named != namespace).isPresent();
        return sameEntity && !otherNamespace;
    }

    /** Adds an admitted listener to its hybrid connection's set, unless the set is full (403). */
    public Optional<Refusal> admitListener(ListenerSet listeners, ListenerConnection listener,
                                           HybridConnection entity) {
        if (listeners.tryAdd(listener)) {
            return Optional.empty();
        }
        return Optional.of(listenerLimit(entity, listeners.maxListeners()));
    }

    /** The 403 of a listener its hybrid connection has no place for (here, or on the cluster's nodes together). */
    public Refusal listenerLimit(HybridConnection entity) {
        return listenerLimit(entity, entity.listeners().maxListeners());
    }

    /**
     * The 503 of a {@code client} ("listener" or "sender") whose place under a limit the cluster's nodes share was
     * not counted in time (partitions moving after a member left): it holds no place, and may retry.
     */
    public Refusal clusterUnanswered(HybridConnection entity, String client) {
        return Refusal.of(RefusalReason.ENDPOINT_STATE, 503, "Server busy: the gateway cluster did not count the "
                + client + " in time. Retry the operation.", entity.systemTracker(),
                "the cluster did not count the " + client + "'s place in time");
    }

    private static Refusal listenerLimit(HybridConnection entity, int max) {
        return Refusal.of(RefusalReason.LIMIT, 403, "Quota exceeded. MaximumListenersPerEndpoint: the hybrid "
                + "connection already has " + max + " listeners.", entity.systemTracker(),
                "listener limit of " + max + " reached");
    }

    /**
     * Counts an admitted sender against its namespace's {@code maxRelayedConnectionsPerNamespace} until its
     * connection closes, unless the namespace is at its quota (403) or the cluster did not count it in time (503).
     * Completed at once without a cluster, or where this node is at the quota alone; else completes on a thread of the
     * cluster's ({@link ConnectionLimits}).
     */
    public CompletionStage<Optional<Refusal>> admitSender(HybridConnection entity, Channel sender) {
        String namespace = entity.namespace().name();
        return limits.admitSender(namespace, sender).thenApply(placement -> switch (placement) {
            case TAKEN -> Optional.empty();
            case FULL -> Optional.of(Refusal.of(RefusalReason.LIMIT, 403, limits.namespaceRefusal(),
                    entity.systemTracker(), "maxRelayedConnectionsPerNamespace of "
                            + limits.settings().maxRelayedConnectionsPerNamespace() + " reached in " + namespace)
                    .loggedBy(limits.namespaceLog()));
            case UNANSWERED -> Optional.of(clusterUnanswered(entity, "sender"));
        });
    }

    /** The 429 of a sender its hybrid connection's {@code maxPendingRendezvousPerEntity} has no room for. */
    public Refusal pendingLimit(HybridConnection entity) {
        return Refusal.of(RefusalReason.LIMIT, 429, limits.pendingRefusal(), entity.systemTracker(),
                "maxPendingRendezvousPerEntity of " + limits.settings().maxPendingRendezvousPerEntity()
                        + " reached on " + entity).loggedBy(limits.pendingLog());
    }

    /** The 429 of the first request on a connection over its source's {@code maxConnectionsPerSource}. */
    public Refusal sourceLimit(Channel channel, String tracker) {
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        int open = limits.openConnections(remote.getAddress());
        return Refusal.of(RefusalReason.LIMIT, 429, limits.sourceRefusal(remote.getAddress()), tracker,
                "maxConnectionsPerSource of " + limits.settings().maxConnectionsPerSource() + " reached, " + open
                        + " connections open from " + remote.getAddress().getHostAddress())
                .loggedBy(limits.sourceLog());
    }

    /** The unanswered refusal of a connection reset because its source is far over its limit. */
    public Refusal sourceReset(Channel channel) {
        return Refusal.closed(RefusalReason.LIMIT, ServiceErrors.addressTracker(channel), "reset: "
                + "maxConnectionsPerSource of " + limits.settings().maxConnectionsPerSource() + " reached and "
                + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE + " more connections being refused already")
                .loggedBy(limits.sourceLog());
    }

    /**
     * The namespace a request is for, as {@link NamespaceRegistry#resolve} finds it; but a request that names no
     * namespace ({@code localhost} or an IP literal, no namespace in SNI) and arrived at a private endpoint's address
     * is for that endpoint's namespace, as a private IP leads to one namespace only.
     */
    public Optional<Namespace> resolveNamespace(String host, @Nullable String serverName, SocketAddress local) {
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

    /** Whether {@code path} names a hybrid connection that requires client authorization, or none. */
    private static boolean tokenRequired(Namespace namespace, String path) {
        return namespace.match(path).map(match -> match.entity().requiresClientAuthorization()).orElse(true);
    }

    /** The SNI host name of a TLS connection, or null. */
    static @Nullable String serverName(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        SSLSession session = ssl.engine().getSession();
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName hostName) {
                    return hostName.getAsciiName();
                }
            }
        }
        return null;
    }
}
