package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.QueryParameter;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.auth.AuthorizationRequest;
import dev.relaysim.relay.gateway.control.ControlChannelHandler;
import dev.relaysim.relay.gateway.control.ListenerConnection;
import dev.relaysim.relay.gateway.control.ListenerSet;
import dev.relaysim.relay.gateway.http.HttpExchange;
import dev.relaysim.relay.gateway.http.HttpExchanges.RendezvousClaim;
import dev.relaysim.relay.gateway.http.RequestRendezvousHandler;
import dev.relaysim.relay.gateway.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.limits.RefusalLog;
import dev.relaysim.relay.gateway.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
import dev.relaysim.relay.gateway.registry.EntityMatch;
import dev.relaysim.relay.gateway.registry.HybridConnection;
import dev.relaysim.relay.gateway.registry.Namespace;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.rendezvous.RendezvousTable.Claim;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Parses each upgrade request's target once, finds namespace and hybrid connection, judges the connection by the
 * network rules ({@link NetworkGuard}: 401 {@value NetworkGuard#IP_REFUSED} before SAS; a rendezvous connection is
 * judged for the namespace of the rendezvous it opens), authorizes it and dispatches it by action. Position: after {@code HTTP_AGGREGATOR}, before {@code ERROR_HANDLER}. It takes the
 * {@code FullHttpRequest} the aggregator produces (removing {@code HANDSHAKE_TIMEOUT}: the request is in) and
 * either answers it with an error (service-style text,
 * connection closed) or hands them on:
 * <ul>
 *   <li>{@code listen} (front ends): adds {@code WEBSOCKET_PROTOCOL} and {@code CONTROL_CHANNEL} after itself,
 *       passes the request to Netty's handshake and leaves the pipeline.</li>
 *   <li>{@code connect}, or no action on {@code /$hc/} (front ends): holds the request (autoRead off), sends
 *       {@code accept} to one listener and waits for the rendezvous; if the sender goes away meanwhile the
 *       rendezvous is dropped, if it expires the sender gets 404. A sender counts against its namespace's
 *       {@code maxRelayedConnectionsPerNamespace} until its connection closes (beyond it: 403 {@code Quota
 *       exceeded.}) and, while it waits, against its hybrid connection's {@code maxPendingRendezvousPerEntity}
 *       (beyond it: 429 with {@code Retry-After}).</li>
 *   <li>{@code accept} (rendezvous port of the instance the rendezvous was issued for): claims the rendezvous and
 *       completes both upgrades ({@link RendezvousHandshake}), or answers a reject.</li>
 *   <li>{@code request} (rendezvous port of the instance the request address was issued for): claims the HTTP
 *       exchange's rendezvous and completes the listener's upgrade ({@link RequestRendezvousHandler}).</li>
 *   <li>Paths without {@code $hc} are HTTP-mode requests, which front ends divert before the aggregator
 *       ({@code HTTP_SENDER}); on a port that is only a rendezvous port they get 404.</li>
 * </ul>
 * One instance per channel.
 */
public final class UpgradeRouter extends ChannelInboundHandlerAdapter {

    public static final String ENDPOINT_DOES_NOT_EXIST = "Endpoint does not exist.";
    static final String NO_LISTENERS = "There are no listeners connected for the endpoint.";
    static final String NOT_ACCEPTED = "None of the connected listeners accepted the connection within the allowed "
            + "timeout.";
    static final String INVALID_RENDEZVOUS = "The rendezvous address is invalid or has expired.";

    private static final Logger logger = LoggerFactory.getLogger(UpgradeRouter.class);

    private final GatewayContext context;
    /** Whether listen and connect are served here (a front end). */
    private final boolean frontEnd;
    /** The rendezvous instance whose accept addresses this port serves, or -1. */
    private final int instance;
    private PendingRendezvous held;
    /** Whether a request was answered with an error: the connection is closing, later requests are dropped. */
    private boolean refused;

    private UpgradeRouter(GatewayContext context, boolean frontEnd, int instance) {
        this.context = requireNonNull(context, "context");
        this.frontEnd = frontEnd;
        this.instance = instance;
    }

    /**
     * A router for one port: a front end (listen and connect), the rendezvous port of instance {@code gN} (accept
     * only), or both, when a front-end port lies in the rendezvous range (the default TLS port 9443 is g43's).
     *
     * @param instance N of {@code gN}, or -1 when the port is no rendezvous port
     */
    public static UpgradeRouter forPort(GatewayContext context, boolean frontEnd, int instance) {
        if (instance < -1 || instance >= context.rendezvousPorts().size()) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: -1-"
                    + (context.rendezvousPorts().size() - 1) + ')');
        }
        if (!frontEnd && instance < 0) {
            throw new IllegalArgumentException("a port is a front end, a rendezvous port or both");
        }
        return new UpgradeRouter(context, frontEnd, instance);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (held != null || !(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            if (held != null && ctx.channel().isActive()) {
                // No 101 yet: the sender learns why; closing drops its rendezvous (see connect).
                refused = true;
                refuse(ctx, 400, "BadRequest: The client sent data before its WebSocket upgrade completed.",
                        held.match().entity().systemTracker(), "sent data while its upgrade was pending");
                return;
            }
            logger.info("{} sent data while its upgrade was pending; closing", ctx.channel());
            ctx.close();
            return;
        }
        if (ctx.pipeline().context(HandlerNames.HANDSHAKE_TIMEOUT) != null) {
            ctx.pipeline().remove(HandlerNames.HANDSHAKE_TIMEOUT);
        }
        HandshakeTimer.start(ctx.channel(), context.metrics());
        boolean handedOn = false;
        try {
            handedOn = route(ctx, request);
        } finally {
            if (!handedOn) {
                refused = true;
                request.release();
            }
        }
    }

    /** @return whether the request was handed on (held or passed to the handshake) rather than answered */
    private boolean route(ChannelHandlerContext ctx, FullHttpRequest request) {
        String host = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST));
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            if (cause instanceof PrematureChannelClosureException) {
                // The connection closed mid-request (the client left, or HANDSHAKE_TIMEOUT answered 408): no one to
                // answer, and no second refusal to log or count.
                logger.debug("{} closed before its request was complete", ctx.channel());
                return false;
            }
            int status = cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongHttpLineException ? 414 : 400;
            // A head that did not decode may have no Host header: the tracker is then the address it came to.
            String tracker = host.isEmpty() ? ServiceErrors.addressTracker(ctx.channel()) : host;
            refuse(ctx, status, "BadRequest: The request is not valid HTTP/1.1: " + cause.getMessage(), tracker,
                    "undecodable request: " + cause);
            return false;
        }
        RelayRequestTarget target;
        try {
            target = RelayRequestTarget.parse(request.uri());
        } catch (InvalidRequestTargetException e) {
            refuse(ctx, 400, "BadRequest: " + e.getMessage(), host, "bad request target: " + e.getMessage());
            return false;
        }
        String tracker = host + ':' + target.path();
        if (!target.hybridConnectionPath()) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "HTTP request " + request.method()
                    + " on the rendezvous port of g" + instance);
            return false;
        }
        HcAction action = target.action().orElse(HcAction.CONNECT);
        if (action == HcAction.ACCEPT && instance >= 0) {
            return accept(ctx, request, target, host, tracker);
        }
        if (action == HcAction.REQUEST && instance >= 0) {
            return requestRendezvous(ctx, request, target, host, tracker);
        }
        if (!frontEnd) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "action " + action.wireName()
                    + " on the rendezvous port of g" + instance);
            return false;
        }
        if (action == HcAction.ACCEPT || action == HcAction.REQUEST) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "action " + action.wireName()
                    + " on a front end (rendezvous addresses point at rendezvous ports)");
            return false;
        }
        Optional<Namespace> namespace = context.resolveNamespace(host, serverName(ctx), ctx.channel().localAddress());
        if (namespace.isEmpty()) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "no namespace has host name '" + host + "'");
            return false;
        }
        String namespaceTracker = namespace.get().hostName() + ':' + target.path();
        NetworkGuard.Decision network = context.networkGuard().judge(ctx.channel(), namespace.get().name());
        if (network.refused()) {
            refuseNetwork(ctx.channel(), namespaceTracker, network.admission().rule());
            return false;
        }
        String problem = WebSocketUpgrades.upgradeProblem(request);
        if (problem != null) {
            refuse(ctx, WebSocketUpgrades.problemStatus(request), "BadRequest: " + problem, tracker, problem);
            return false;
        }
        AuthorizationRequest authorization = new AuthorizationRequest(namespace.get(), target.path(), host,
                token(request, target), action == HcAction.LISTEN ? AccessRight.LISTEN : AccessRight.SEND);
        AuthorizationDecision decision = context.authorizer().authorize(authorization);
        boolean trusted = decision instanceof Granted grant
                && NetworkGuard.isTrustedService(grant.match().entity(), grant.keyName());
        if (network.trustedServicesOnly() && !trusted) {
            refuseNetwork(ctx.channel(), namespaceTracker, network.admission().rule()
                    + (decision instanceof Refused refused ? "; and SAS refused: " + refused.reason()
                    : "; the caller's rule is not a trusted service"));
            return false;
        }
        if (decision instanceof Refused refused) {
            refuse(ctx, refused.statusCode(), refused.message(), refused.systemTracker(), refused.reason());
            return false;
        }
        Granted granted = (Granted) decision;
        NetworkGuard.remember(ctx.channel(), network.admitted(network.trustedServicesOnly()));
        return action == HcAction.LISTEN
                ? listen(ctx, request, target, authorization, granted)
                : connect(ctx, request, target, granted);
    }

    private boolean listen(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target,
                           AuthorizationRequest authorization, Granted granted) {
        HybridConnection entity = granted.match().entity();
        String id = target.id().orElseGet(() -> UUID.randomUUID().toString());
        Channel channel = ctx.channel();
        ListenerConnection listener = new ListenerConnection(id, channel, ctx.pipeline().get(SslHandler.class) != null);
        ListenerSet listeners = entity.listeners();
        if (!listeners.tryAdd(listener)) {
            refuse(ctx.channel(), RefusalReason.LIMIT, 403, "Quota exceeded. MaximumListenersPerEndpoint: the hybrid "
                    + "connection already has " + listeners.maxListeners() + " listeners.", entity.systemTracker(),
                    "listener limit of " + listeners.maxListeners() + " reached");
            return false;
        }
        EntityMetrics metrics = context.metrics(entity, id, null, channel);
        metrics.listenerConnected();
        channel.closeFuture().addListener(closed -> {
            if (listeners.remove(listener)) {
                metrics.listenerDisconnected();
            }
        });
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addAfter(ctx.name(), HandlerNames.WEBSOCKET_PROTOCOL,
                WebSocketUpgrades.protocolHandler(context.protocol(), null));
        pipeline.addAfter(HandlerNames.WEBSOCKET_PROTOCOL, HandlerNames.CONTROL_CHANNEL,
                new ControlChannelHandler(listener, token -> context.authorizer().authorize(authorization.withToken(token)),
                        context.httpExchanges(), granted.expiresAt(), context.clock(),
                        context.protocol().tokenExpiryGrace()));
        context.networkGuard().watch(listener);
        logger.debug("{} listener {} upgrading for {}", channel, id, entity);
        // Ready before the handshake runs: a command another loop sends now is queued on this channel's loop, which
        // is busy with the handshake below, so it is written after the 101 and through Netty's frame encoder.
        // Waiting for HandshakeComplete would leave a window in which the listener has its 101 (and may tell a
        // sender to connect) but cannot be picked yet.
        listener.markReady();
        ctx.fireChannelRead(request);
        pipeline.remove(this);
        return true;
    }

    private boolean connect(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target,
                            Granted granted) {
        EntityMatch match = granted.match();
        Optional<ListenerConnection> chosen = match.entity().listeners().next();
        if (chosen.isEmpty()) {
            refuse(ctx.channel(), RefusalReason.NO_LISTENER, 404, NO_LISTENERS, match.entity().systemTracker(),
                    "no listener connected");
            return false;
        }
        ListenerConnection listener = chosen.get();
        Channel sender = ctx.channel();
        ConnectionLimits limits = context.limits();
        String namespace = match.entity().namespace().name();
        if (!limits.admitSender(namespace, sender)) {
            refuseLimit(sender, 403, limits.namespaceRefusal(), match.entity().systemTracker(), limits.namespaceLog(),
                    "maxRelayedConnectionsPerNamespace of " + limits.settings().maxRelayedConnectionsPerNamespace()
                            + " reached in " + namespace);
            return false;
        }
        int rendezvousInstance = context.rendezvousPorts().nextInstance();
        String id = PendingRendezvous.newId(rendezvousInstance);
        String authority = context.rendezvousPorts().authority(listener.localAddress(), rendezvousInstance);
        EntityMetrics metrics = context.metrics(match.entity(), listener.id(), id, sender);
        PendingRendezvous pending = new PendingRendezvous(id, rendezvousInstance, match, sender, request,
                target.appParameters().size());
        if (!context.rendezvousTable().add(pending, context.protocol().rendezvousTimeout(), this::expired)) {
            refuseLimit(sender, 429, limits.pendingRefusal(), match.entity().systemTracker(), limits.pendingLog(),
                    "maxPendingRendezvousPerEntity of " + limits.settings().maxPendingRendezvousPerEntity()
                            + " reached on " + match.entity());
            return false;
        }
        AcceptCommand command = new AcceptCommand(acceptAddress(listener.secure(), authority, request.uri(), target, id),
                id, connectHeaders(request), remoteEndpoint(sender.remoteAddress()));
        held = pending;
        sender.config().setAutoRead(false);
        if (ctx.pipeline().context(HandlerNames.HTTP_SENDER) != null) {
            // The connection becomes a WebSocket or closes: what a client pipelines behind its upgrade request is
            // no HTTP-mode request but data sent too early, which reaches this handler and is refused.
            ctx.pipeline().remove(HandlerNames.HTTP_SENDER);
        }
        metrics.senderHeld();
        metrics.rendezvousIssued();
        sender.closeFuture().addListener(closed -> {
            if (pending.releaseSender()) {
                metrics.senderReleased();
            }
            if (context.rendezvousTable().cancel(pending)) {
                logger.debug("{} sender went away before {} was accepted", sender, pending.id());
                metrics.rendezvousAbandoned();
                pending.request().release();
            }
        });
        listener.send(command).addListener(sent -> {
            HandshakeTimer.acceptSent(sender);
            if (!sent.isSuccess()) {
                sender.eventLoop().execute(() -> {
                    if (context.rendezvousTable().cancel(pending)) {
                        metrics.rendezvousAbandoned();
                        pending.request().release();
                        refuse(sender, RefusalReason.NO_LISTENER, 404, NO_LISTENERS, match.entity().systemTracker(),
                                "accept could not be sent to listener " + listener.id() + ": " + sent.cause());
                    }
                });
            }
        });
        logger.debug("{} sender waits for {} on g{} via listener {}", sender, id, rendezvousInstance, listener.id());
        // One read with autoRead off: the sender sends nothing before its 101, so this only notices it going away.
        ctx.read();
        return true;
    }

    private void expired(PendingRendezvous pending) {
        context.metrics(pending.match().entity(), null, pending.id(), pending.sender()).rendezvousExpired();
        pending.request().release();
        refuse(pending.sender(), RefusalReason.TIMEOUT, 404, NOT_ACCEPTED, pending.match().entity().systemTracker(),
                "rendezvous " + pending.id() + " not accepted within " + context.protocol().rendezvousTimeout());
    }

    private boolean accept(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target,
                           String host, String tracker) {
        Optional<String> id = target.id();
        if (id.isEmpty()) {
            refuse(ctx.channel(), RefusalReason.NOT_FOUND, 403, INVALID_RENDEZVOUS, tracker,
                    "accept without " + HybridConnectionConstants.ID);
            return false;
        }
        Optional<PendingRendezvous> waiting = context.rendezvousTable().find(id.get());
        if (waiting.isPresent() && !openedAsIssued(host, target, waiting.get().match().entity())) {
            refuse(ctx.channel(), RefusalReason.NOT_FOUND, 403, INVALID_RENDEZVOUS, tracker, "rendezvous "
                    + id.get() + " of " + waiting.get().match().entity() + " opened for another hybrid connection "
                    + "or namespace");
            return false;
        }
        if (waiting.isPresent() && !admitRendezvous(ctx.channel(), waiting.get().match().entity())) {
            return false;
        }
        Claim claim = context.rendezvousTable().claim(id.get(), instance);
        if (claim instanceof Claim.OtherInstance other) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "rendezvous " + id.get() + " belongs to g"
                    + other.instance() + ", not g" + instance);
            return false;
        }
        if (!(claim instanceof Claim.Claimed claimed)) {
            refuse(ctx.channel(), RefusalReason.NOT_FOUND, 403, INVALID_RENDEZVOUS, tracker,
                    "unknown, used or expired rendezvous " + id.get());
            return false;
        }
        PendingRendezvous pending = claimed.rendezvous();
        HandshakeTimer.rendezvousOpened(pending.sender());
        context.metrics(pending.match().entity()).rendezvousClaimed();
        int firstListenerParameter = pending.senderAppParameterCount();
        Optional<QueryParameter> statusCode = target.statusCode(firstListenerParameter);
        if (statusCode.isPresent()) {
            RendezvousHandshake.reject(context, ctx.channel(), pending, statusCode.get().value(),
                    target.statusDescription(firstListenerParameter).map(QueryParameter::rawValue).orElse(null));
            return false;
        }
        String problem = WebSocketUpgrades.upgradeProblem(request);
        if (problem != null) {
            refuse(ctx, WebSocketUpgrades.problemStatus(request), "BadRequest: " + problem, tracker, problem);
            RendezvousHandshake.failSender(context, pending, 500, "The listener's rendezvous request was not a WebSocket "
                    + "upgrade.", "listener's accept was refused: " + problem);
            return false;
        }
        RendezvousHandshake.acceptListener(context, ctx, request, pending);
        return true;
    }

    private boolean requestRendezvous(ChannelHandlerContext ctx, FullHttpRequest request, RelayRequestTarget target,
                                      String host, String tracker) {
        Optional<String> id = target.id();
        if (id.isEmpty()) {
            refuse(ctx, 403, INVALID_RENDEZVOUS, tracker, "request rendezvous without " + HybridConnectionConstants.ID);
            return false;
        }
        Optional<HybridConnection> issuedFor = context.httpExchanges().find(id.get()).map(HttpExchange::entity);
        if (issuedFor.isPresent() && !openedAsIssued(host, target, issuedFor.get())) {
            refuse(ctx, 403, INVALID_RENDEZVOUS, tracker, "request " + id.get() + " of " + issuedFor.get()
                    + " opened for another hybrid connection or namespace");
            return false;
        }
        RendezvousClaim claim = context.httpExchanges().claimRendezvous(id.get(), instance);
        if (claim instanceof RendezvousClaim.OtherInstance other) {
            refuse(ctx, 404, ENDPOINT_DOES_NOT_EXIST, tracker, "request " + id.get() + " belongs to g"
                    + other.instance() + ", not g" + instance);
            return false;
        }
        if (!(claim instanceof RendezvousClaim.Claimed claimed)) {
            refuse(ctx, 403, INVALID_RENDEZVOUS, tracker, "unknown, used or expired request " + id.get());
            return false;
        }
        NetworkGuard.Admitted listenerAdmitted = claimed.exchange().listener().channel().attr(NetworkGuard.ADMITTED)
                .get();
        if (listenerAdmitted != null) {
            NetworkGuard.Decision network = context.networkGuard().judge(ctx.channel(), listenerAdmitted.namespace());
            if (network.refused()) {
                refuseNetwork(ctx.channel(), tracker, network.admission().rule());
                claimed.exchange().rendezvousRefused("listener's request rendezvous was refused by the network rules");
                return false;
            }
        }
        String problem = WebSocketUpgrades.upgradeProblem(request);
        if (problem != null) {
            refuse(ctx, WebSocketUpgrades.problemStatus(request), "BadRequest: " + problem, tracker, problem);
            claimed.exchange().rendezvousRefused("listener's request rendezvous was refused: " + problem);
            return false;
        }
        RequestRendezvousHandler.upgrade(context, ctx, request, claimed.exchange());
        return true;
    }

    /**
     * Whether a rendezvous address was opened for the hybrid connection it was issued for: its path names that
     * hybrid connection, and its host names no other namespace. A rewritten address is refused (and the rendezvous
     * stays waiting), so an id never opens another entity's or namespace's connection.
     */
    private boolean openedAsIssued(String host, RelayRequestTarget target, HybridConnection entity) {
        Namespace namespace = entity.namespace();
        boolean sameEntity = namespace.match(target.path()).filter(match -> match.entity() == entity).isPresent();
        boolean otherNamespace = !host.isEmpty() && !NamespaceRegistry.isLoopbackName(host)
                && context.registry().resolve(host, null).filter(named -> named != namespace).isPresent();
        return sameEntity && !otherNamespace;
    }

    /**
     * Judges a listener's rendezvous connection for the namespace of the rendezvous it opens; on success keeps what
     * it was admitted with on the channel. The rendezvous address is single-use and was handed only to an admitted
     * listener, so {@code TrustedServicesOnly} admits it (as a trusted service). A refused one leaves the rendezvous
     * waiting, as a listener that cannot reach the port leaves it in Azure.
     */
    private boolean admitRendezvous(Channel channel, HybridConnection entity) {
        NetworkGuard.Decision network = context.networkGuard().judge(channel, entity.namespace().name());
        if (network.refused()) {
            refuseNetwork(channel, entity.systemTracker(), network.admission().rule());
            return false;
        }
        NetworkGuard.remember(channel, network.admitted(network.trustedServicesOnly()));
        return true;
    }

    /** 401 {@value NetworkGuard#IP_REFUSED} with the doc links; the log names the rule that decided. */
    private void refuseNetwork(Channel channel, String tracker, String rule) {
        refuse(channel, RefusalReason.NETWORK_RULE, 401, NetworkGuard.refusalMessage(), tracker,
                "network rules: " + rule);
    }

    /**
     * Answers a sender over a limit: 403 (quota) or 429 (with {@code Retry-After}) with the service's error text,
     * closes the connection, counts it as {@link RefusalReason#LIMIT} and logs it through {@code log}, which keeps a
     * flood of such refusals to a few lines.
     */
    private void refuseLimit(Channel channel, int status, String message, String tracker, RefusalLog log,
                             String reason) {
        String trackingId = ServiceErrors.trackingId(Math.max(instance, 0));
        context.refused(channel, RefusalReason.LIMIT, status, tracker, trackingId, reason);
        log.refused(channel, () -> status + ": " + reason);
        String text = ServiceErrors.describe(message, trackingId, tracker, context.clock().instant());
        ServiceErrors.respondAndClose(channel, status == 429
                ? ServiceErrors.retryAfter(status, text, ConnectionLimits.RETRY_AFTER_SECONDS)
                : ServiceErrors.response(status, text, text));
    }

    private void refuse(ChannelHandlerContext ctx, int status, String message, String tracker, String reason) {
        refuse(ctx.channel(), status, message, tracker, reason);
    }

    private void refuse(Channel channel, int status, String message, String tracker, String reason) {
        refuse(channel, RefusalReason.forStatus(status), status, message, tracker, reason);
    }

    /**
     * Answers {@code status} with the service's error text, closes the connection, logs the refusal once and counts
     * it as {@code why}.
     */
    private void refuse(Channel channel, RefusalReason why, int status, String message, String tracker,
                        String reason) {
        String trackingId = ServiceErrors.trackingId(Math.max(instance, 0));
        context.refused(channel, why, status, tracker, trackingId, reason);
        logger.info("{} refused {}: {} (remote {})", channel, status, LogRedaction.redact(reason), channel.remoteAddress());
        String text = ServiceErrors.describe(message, trackingId, tracker, context.clock().instant());
        ServiceErrors.respondAndClose(channel, status, text);
    }

    /** The token from the {@code ServiceBusAuthorization} header, else from {@code sb-hc-token}, else null. */
    private static String token(FullHttpRequest request, RelayRequestTarget target) {
        String header = request.headers().get(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION);
        return header != null ? header : target.token().orElse(null);
    }

    /** The SNI host name of a TLS connection, or null. */
    public static String serverName(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
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

    /**
     * {@code ws[s]://<authority of gN>/$hc/<path as sent>?<app query>&sb-hc-action=accept&sb-hc-id=<id>}, with
     * {@code wss} when the listener's control channel is TLS.
     *
     * @param authority {@code host:port} of the rendezvous instance ({@link dev.relaysim.relay.gateway.rendezvous.RendezvousPorts#authority})
     */
    static String acceptAddress(boolean secure, String authority, String requestUri, RelayRequestTarget target,
                                String id) {
        int queryStart = requestUri.indexOf('?');
        String rawPath = queryStart < 0 ? requestUri : requestUri.substring(0, queryStart);
        int entityStart = rawPath.indexOf('/', 1);
        String entityPath = entityStart < 0 ? target.path() : rawPath.substring(entityStart + 1);
        String appQuery = target.appQuery();
        return (secure ? "wss" : "ws") + "://" + authority + '/'
                + HybridConnectionConstants.HC_SEGMENT + '/' + entityPath + '?'
                + (appQuery.isEmpty() ? "" : appQuery + '&')
                + HybridConnectionConstants.ACTION + '=' + HcAction.ACCEPT.wireName() + '&'
                + HybridConnectionConstants.ID + '=' + id;
    }

    /** Every header of the sender's upgrade request except {@code ServiceBusAuthorization}, in order. */
    static Map<String, String> connectHeaders(FullHttpRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION)) {
                continue;
            }
            headers.merge(name, header.getValue(), (first, next) -> first + ", " + next);
        }
        return headers;
    }

    /** The address and port of a channel's peer, as commands carry them. */
    public static RemoteEndpoint remoteEndpoint(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return new RemoteEndpoint(inet.getAddress().getHostAddress(), inet.getPort());
        }
        return new RemoteEndpoint(String.valueOf(address), 0);
    }
}
