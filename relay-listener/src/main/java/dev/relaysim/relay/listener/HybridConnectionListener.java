package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A Hybrid Connections listener.
 *
 * <p>{@link #open()} opens the control channel
 * {@code wss://host:port/$hc/<entity>?sb-hc-action=listen&sb-hc-id=<listener id>} with a SAS token
 * in the {@code ServiceBusAuthorization} header. For every {@code accept} command the
 * {@link AcceptHandler} decides: accepted senders are connected by opening the command's address
 * as given (offering the sender's first subprotocol) and handed to the
 * {@link ListenerConnectionHandler}; rejected ones by opening the address with
 * {@code sb-hc-statusCode} and {@code sb-hc-statusDescription}, which the relay answers with 410.
 * {@code request} commands (HTTP requests senders sent to the hybrid connection) go to the
 * {@link RequestHandler}, see {@link RelayedHttpRequest} and {@link RelayedHttpResponse}: a full request
 * is followed on the control channel by its body, if it has one, as exactly one binary message; an
 * address-only request is fetched from its rendezvous address. A listener without a connection handler
 * rejects WebSocket senders with 501, one without a request handler answers requests with 501.
 * Other commands are ignored (logged once). Before the token expires (at 80% of its life) a
 * {@code renewToken} command carries a new one.
 *
 * <p>By default ({@link RetryPolicy#SDK_DEFAULT}), if the first attempt fails, {@code open()} fails with the reason
 * and the listener stops. Once online, a lost control channel is reopened after 0, 1, 2, 5, 10, 30, 30, ... seconds,
 * until the relay answers 401, 403 or 404 (or, with another {@link RetryPolicy}, also from the first attempt and past
 * those refusals, up to its number of attempts): then the listener stops and tells
 * {@link ListenerStatusListener#stopped(Throwable)} and {@link #terminationFuture()} why.
 * {@link #close()} closes the control channel and every accepted connection (1001) and releases
 * the listener's threads; it is idempotent.
 */
public final class HybridConnectionListener implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HybridConnectionListener.class);
    /** Delays before reconnect attempts; the last one repeats. */
    static final List<Duration> BACKOFF = List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
    private static final Duration DEFAULT_TOKEN_TIME_TO_LIVE = Duration.ofMinutes(60);
    private static final double RENEW_AT_FRACTION_OF_LIFE = 0.8;
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final int HANDLER_FAILED_STATUS = 502;
    private static final String HANDLER_FAILED_DESCRIPTION =
            "The Listener's custom AcceptHandler threw an exception. See Listener logs for details.";
    private static final AcceptDecision HTTP_ONLY = AcceptDecision.reject(501, "This listener serves HTTP requests only");
    private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";

    private enum State { NEW, CONNECTING, ONLINE, RECONNECTING, STOPPED }

    private final RelayEndpoint endpoint;
    private final TokenProvider tokenProvider;
    private final Duration tokenTimeToLive;
    private final Duration connectTimeout;
    private final String listenerId;
    private final URI controlUri;
    private final AcceptHandler acceptHandler;
    private final ListenerConnectionHandler connectionHandler;
    private final HttpRequestDispatcher httpRequests;
    private final ListenerStatusListener statusListener;
    private final RetryPolicy retryPolicy;
    private final RelayWebSocketClient client;
    private final EventExecutor scheduler;
    private final Executor handlerExecutor;
    private final ExecutorService ownedExecutor;
    private final Set<RelayConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> ignoredKinds = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> openFuture = new CompletableFuture<>();
    private final CompletableFuture<Void> terminationFuture = new CompletableFuture<>();

    // Guarded by this.
    private State state = State.NEW;
    private boolean released;
    private RelayConnection control;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> renewal;
    private Instant tokenExpiry;
    private int failedAttempts;

    private HybridConnectionListener(Builder builder) {
        endpoint = requireNonNull(builder.endpoint, "endpoint (set connectionString or endpoint)");
        if (builder.connectionHandler == null && builder.requestHandler == null) {
            throw new NullPointerException("connectionHandler and requestHandler (expected: at least one of them)");
        }
        connectionHandler = builder.connectionHandler;
        tokenProvider = builder.tokenProvider;
        tokenTimeToLive = builder.tokenTimeToLive;
        connectTimeout = builder.connectTimeout;
        listenerId = builder.listenerId != null ? builder.listenerId : UUID.randomUUID().toString();
        controlUri = endpoint.webSocketUri(HcAction.LISTEN, listenerId);
        acceptHandler = builder.acceptHandler;
        statusListener = builder.statusListener;
        retryPolicy = builder.retryPolicy;
        SslContext sslContext = builder.sslContext != null ? builder.sslContext
                : builder.caCertificate != null ? SslContexts.forClient(builder.caCertificate) : null;
        client = new RelayWebSocketClient(sslContext, builder.clientConfig, builder.eventLoopGroup,
                builder.sourceAddress, builder.resolver);
        scheduler = client.group().next();
        if (builder.handlerExecutor != null) {
            handlerExecutor = builder.handlerExecutor;
            ownedExecutor = null;
        } else {
            ownedExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("relay-listener-handler", true));
            handlerExecutor = ownedExecutor;
        }
        httpRequests = new HttpRequestDispatcher(listenerId, client,
                builder.requestHandler != null ? builder.requestHandler : RequestHandler.NOT_IMPLEMENTED, handlerExecutor,
                connections);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the control channel once; later calls return the same future.
     *
     * @return completes when the control channel is up, or exceptionally with the first attempt's
     *         failure (a {@link RelayHandshakeException} when the relay refused)
     */
    public CompletableFuture<Void> open() {
        synchronized (this) {
            if (state != State.NEW) {
                return openFuture;
            }
            state = State.CONNECTING;
        }
        connectControl();
        return openFuture;
    }

    /** Completes when the listener has stopped: normally after {@link #close()}, exceptionally with the error that stopped it. */
    public CompletableFuture<Void> terminationFuture() {
        return terminationFuture;
    }

    /** Whether the control channel is up. */
    public synchronized boolean isOnline() {
        return state == State.ONLINE;
    }

    /** The {@code sb-hc-id} this listener registers with. */
    public String listenerId() {
        return listenerId;
    }

    public RelayEndpoint endpoint() {
        return endpoint;
    }

    /** The control channel's URI. */
    public URI controlUri() {
        return controlUri;
    }

    /** Stops listening, closes the control channel (1000) and accepted connections (1001), and releases threads; idempotent. */
    @Override
    public void close() {
        RelayConnection controlToClose;
        boolean wasRunning;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            wasRunning = state != State.STOPPED;
            state = State.STOPPED;
            cancelTimers();
            controlToClose = control;
            control = null;
        }
        if (wasRunning) {
            openFuture.completeExceptionally(new IllegalStateException("listener " + listenerId + " was closed"));
            notifyStatus(() -> statusListener.stopped(null));
            terminationFuture.complete(null);
        }
        List<CompletableFuture<RelayCloseStatus>> closing = new ArrayList<>();
        if (controlToClose != null) {
            closing.add(controlToClose.close(RelayCloseStatus.NORMAL, "listener closed"));
        }
        for (RelayConnection connection : connections) {
            closing.add(connection.close(RelayCloseStatus.GOING_AWAY, "listener closed"));
        }
        if (!inEventLoop()) {
            try {
                CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                logger.debug("listener {}: connections did not close within {}", listenerId, CLOSE_WAIT);
            }
        }
        client.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        logger.info("listener {} closed", listenerId);
    }

    @Override
    public String toString() {
        return "HybridConnectionListener[" + endpoint + " as " + listenerId + ']';
    }

    private void connectControl() {
        HttpHeaders headers = new DefaultHttpHeaders();
        Instant expiry = null;
        CompletableFuture<RelayConnection> connecting;
        try {
            if (tokenProvider != null) {
                String token = tokenProvider.token(endpoint.audience(), tokenTimeToLive);
                headers.set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION, token);
                expiry = expiryOf(token);
            }
            connecting = client.connect(controlUri, headers, null, connectTimeout);
        } catch (RuntimeException e) {
            stop(e);
            return;
        }
        Instant tokenExpiresAt = expiry;
        connecting.whenComplete((connection, failure) -> {
            if (failure != null) {
                onControlFailed(ConnectFailures.unwrap(failure));
            } else {
                onControlOpen(connection, tokenExpiresAt);
            }
        });
    }

    private void onControlOpen(RelayConnection connection, Instant expiry) {
        synchronized (this) {
            if (state == State.STOPPED) {
                connection.close(RelayCloseStatus.NORMAL, "listener closed");
                return;
            }
            control = connection;
            state = State.ONLINE;
            failedAttempts = 0;
            tokenExpiry = expiry;
            scheduleRenewal(expiry);
        }
        connection.setHandler(new ControlChannelHandler(connection));
        logger.info("listener {} is listening on {}", listenerId, endpoint);
        notifyStatus(() -> statusListener.online());
        openFuture.complete(null);
    }

    private void onControlFailed(Throwable cause) {
        Duration delay;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            if (retryPolicy.retries(cause, state == State.CONNECTING, failedAttempts + 1)) {
                delay = scheduleReconnect();
            } else {
                delay = null;
            }
        }
        if (delay == null) {
            stop(cause);
            return;
        }
        logger.info("listener {} cannot reach the relay ({}); next attempt in {} s", listenerId,
                ConnectFailures.describe(cause, endpoint.authority()), delay.toSeconds());
        notifyStatus(() -> statusListener.reconnecting(cause, delay));
    }

    private void onControlClosed(RelayConnection connection, int code, String reason) {
        Duration delay;
        synchronized (this) {
            if (control != connection) {
                return;
            }
            control = null;
            cancelTimers();
            if (state == State.STOPPED) {
                return;
            }
            state = State.RECONNECTING;
            delay = scheduleReconnect();
        }
        RelayCloseStatus status = new RelayCloseStatus(code, reason);
        logger.info("listener {}: the control channel closed ({}); reconnecting in {} s", listenerId, status, delay.toSeconds());
        notifyStatus(() -> statusListener.reconnecting(new ControlChannelClosedException(status), delay));
    }

    /** Schedules the next attempt and returns its delay; caller holds the lock. */
    private Duration scheduleReconnect() {
        Duration delay = BACKOFF.get(Math.min(failedAttempts, BACKOFF.size() - 1));
        failedAttempts++;
        reconnect = scheduler.schedule(this::connectControl, delay.toNanos(), TimeUnit.NANOSECONDS);
        return delay;
    }

    private void stop(Throwable cause) {
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
            cancelTimers();
        }
        logger.info("listener {} stopped: {}", listenerId, ConnectFailures.describe(cause, endpoint.authority()));
        notifyStatus(() -> statusListener.stopped(cause));
        terminationFuture.completeExceptionally(cause);
        openFuture.completeExceptionally(cause);
    }

    /** Caller holds the lock. */
    private void scheduleRenewal(Instant expiry) {
        if (tokenProvider == null) {
            return;
        }
        Duration life = expiry != null ? Duration.between(Instant.now(), expiry) : tokenTimeToLive;
        if (life.isNegative() || life.isZero()) {
            return;
        }
        long delayNanos = (long) (life.toNanos() * RENEW_AT_FRACTION_OF_LIFE);
        renewal = scheduler.schedule(this::renewToken, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void renewToken() {
        RelayConnection current;
        synchronized (this) {
            current = control;
            if (current == null || state != State.ONLINE) {
                return;
            }
        }
        String token;
        try {
            token = tokenProvider.token(endpoint.audience(), tokenTimeToLive);
        } catch (RuntimeException e) {
            logger.warn("listener {} cannot create a token to renew its registration", listenerId, e);
            return;
        }
        Instant expiry = expiryOf(token);
        current.sendText(ControlCommandCodec.encode(new RenewTokenCommand(token)));
        logger.debug("listener {} renewed its token (expires {})", listenerId, expiry);
        synchronized (this) {
            if (control == current && expiry != null && (tokenExpiry == null || expiry.isAfter(tokenExpiry))) {
                tokenExpiry = expiry;
                scheduleRenewal(expiry);
            }
        }
    }

    private void cancelTimers() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
    }

    private void onControlMessage(ControlChannelHandler channel, RelayMessage message) {
        if (message.isBinary()) {
            ignoreOnce("binary", "binary messages on the control channel");
            return;
        }
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(message.asText());
        } catch (ControlCommandException e) {
            ignoreOnce("undecodable", "control messages it cannot decode (" + e.getMessage() + ")");
            return;
        }
        if (command instanceof AcceptCommand accept) {
            if (acceptHandler == AcceptHandler.ACCEPT_ALL) {
                // No user code to run: answering on the event loop saves a thread hand-off per connection.
                onAccept(accept);
            } else {
                try {
                    handlerExecutor.execute(() -> onAccept(accept));
                } catch (RejectedExecutionException e) {
                    logger.debug("listener {} is closing; dropping accept {}", listenerId, accept.id());
                }
            }
        } else if (command instanceof RequestCommand request) {
            if (request.body()) {
                channel.awaitBody(request);
            } else {
                httpRequests.dispatch(request, null, channel.connection);
            }
        } else {
            ignoreOnce(command.getClass().getSimpleName(), command.getClass().getSimpleName() + " commands");
        }
    }

    private void onAccept(AcceptCommand accept) {
        AcceptDecision decision;
        try {
            decision = connectionHandler == null ? HTTP_ONLY : requireNonNull(acceptHandler.decide(accept), "accept handler's decision");
        } catch (RuntimeException e) {
            logger.warn("listener {}: the accept handler failed for connection {}; rejecting it with {}", listenerId, accept.id(),
                    HANDLER_FAILED_STATUS, e);
            decision = AcceptDecision.reject(HANDLER_FAILED_STATUS, HANDLER_FAILED_DESCRIPTION);
        }
        URI address;
        try {
            address = decision.accepted() ? URI.create(accept.address()) : rejectUri(accept.address(), decision);
        } catch (IllegalArgumentException e) {
            logger.warn("listener {}: unusable accept address for connection {}: {}", listenerId, accept.id(), e.getMessage());
            return;
        }
        if (decision.accepted()) {
            openRendezvous(accept, address);
        } else {
            sendRejection(accept, address, decision);
        }
    }

    private void openRendezvous(AcceptCommand accept, URI address) {
        CompletableFuture<RelayConnection> connecting;
        try {
            connecting = client.connect(address, EmptyHttpHeaders.INSTANCE, firstSubprotocol(accept.connectHeaders()),
                    RENDEZVOUS_TIMEOUT);
        } catch (RuntimeException e) {
            logger.warn("listener {} cannot accept connection {}: {}", listenerId, accept.id(), e.getMessage());
            return;
        }
        connecting.whenComplete((connection, failure) -> {
            if (failure != null) {
                logger.warn("listener {} could not accept connection {}: {}", listenerId, accept.id(),
                        ConnectFailures.describe(failure, address.getHost() + ':' + address.getPort()));
                return;
            }
            connections.add(connection);
            connection.closeFuture().whenComplete((status, ignored) -> connections.remove(connection));
            if (isStopped()) {
                connection.close(RelayCloseStatus.GOING_AWAY, "listener closed");
                return;
            }
            logger.debug("listener {} accepted connection {}", listenerId, accept.id());
            try {
                handlerExecutor.execute(() -> deliver(accept, connection));
            } catch (RejectedExecutionException e) {
                connection.close(RelayCloseStatus.GOING_AWAY, "listener closed");
            }
        });
    }

    private void deliver(AcceptCommand accept, RelayConnection connection) {
        try {
            connectionHandler.onConnection(accept, connection);
        } catch (RuntimeException e) {
            logger.warn("listener {}: the connection handler failed for connection {}; closing it", listenerId, accept.id(), e);
            connection.close(1011, "listener error");
        }
    }

    private void sendRejection(AcceptCommand accept, URI address, AcceptDecision decision) {
        CompletableFuture<RelayConnection> connecting;
        try {
            connecting = client.connect(address, EmptyHttpHeaders.INSTANCE, null, RENDEZVOUS_TIMEOUT);
        } catch (RuntimeException e) {
            logger.warn("listener {} cannot reject connection {}: {}", listenerId, accept.id(), e.getMessage());
            return;
        }
        connecting.whenComplete((connection, failure) -> {
            if (connection != null) {
                logger.warn("listener {}: the relay upgraded the rejection of connection {} instead of answering 410; closing it",
                        listenerId, accept.id());
                connection.close(RelayCloseStatus.NORMAL, "rejected");
            } else if (ConnectFailures.unwrap(failure) instanceof RelayHandshakeException refused && refused.statusCode() == 410) {
                logger.debug("listener {} rejected connection {} with {} {}", listenerId, accept.id(), decision.statusCode(),
                        decision.statusDescription());
            } else {
                logger.warn("listener {} could not reject connection {}: {}", listenerId, accept.id(),
                        ConnectFailures.describe(failure, address.getHost() + ':' + address.getPort()));
            }
        });
    }

    private void notifyStatus(Runnable notification) {
        try {
            notification.run();
        } catch (RuntimeException e) {
            logger.warn("listener {}: the status listener failed", listenerId, e);
        }
    }

    private void ignoreOnce(String kind, String what) {
        if (ignoredKinds.add(kind)) {
            logger.warn("listener {} ignores {} (logged once)", listenerId, what);
        } else {
            logger.debug("listener {} ignored one of {}", listenerId, what);
        }
    }

    private synchronized boolean isStopped() {
        return state == State.STOPPED;
    }

    private boolean inEventLoop() {
        for (EventExecutor executor : client.group()) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** The accept address with the rejection's status and description appended. */
    static URI rejectUri(String address, AcceptDecision decision) {
        return URI.create(address + (address.indexOf('?') >= 0 ? '&' : '?')
                + HybridConnectionConstants.STATUS_CODE + '=' + decision.statusCode() + '&'
                + HybridConnectionConstants.STATUS_DESCRIPTION + '=' + PercentCodec.encode(decision.statusDescription()));
    }

    /** The first subprotocol the sender offered, or {@code null}. */
    static String firstSubprotocol(Map<String, String> connectHeaders) {
        for (Map.Entry<String, String> header : connectHeaders.entrySet()) {
            if (header.getKey().equalsIgnoreCase(SUBPROTOCOL_HEADER)) {
                for (String offer : header.getValue().split(",")) {
                    if (!offer.isBlank()) {
                        return offer.strip();
                    }
                }
            }
        }
        return null;
    }

    private static Instant expiryOf(String token) {
        try {
            return SasToken.parse(token).expiresAt();
        } catch (SasTokenException | RuntimeException e) {
            return null;
        }
    }

    /** Receives the control channel's commands and its end; pairs a request that has a body with the message after it. */
    private final class ControlChannelHandler implements RelayMessageHandler {

        private final RelayConnection connection;
        /** A request whose body is the next message (event loop only). */
        private RequestCommand awaitingBody;

        ControlChannelHandler(RelayConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onMessage(RelayMessage message) {
            RequestCommand request = awaitingBody;
            if (request == null) {
                onControlMessage(this, message);
                return;
            }
            awaitingBody = null;
            if (message.isBinary()) {
                httpRequests.dispatch(request, message.data(), connection);
                return;
            }
            logger.warn("listener {}: request {} announced a body, but a text message followed; dropping the request",
                    listenerId, request.id());
            onControlMessage(this, message);
        }

        void awaitBody(RequestCommand request) {
            awaitingBody = request;
        }

        @Override
        public void onClose(int code, String reason) {
            onControlClosed(connection, code, reason);
        }
    }

    /** Configures a {@link HybridConnectionListener}; an endpoint and {@link #connectionHandler} or {@link #requestHandler} (or both) are required. */
    public static final class Builder {

        private RelayEndpoint endpoint;
        private TokenProvider tokenProvider;
        private SslContext sslContext;
        private Path caCertificate;
        private AcceptHandler acceptHandler = AcceptHandler.ACCEPT_ALL;
        private ListenerConnectionHandler connectionHandler;
        private RequestHandler requestHandler;
        private ListenerStatusListener statusListener = ListenerStatusListener.NONE;
        private RetryPolicy retryPolicy = RetryPolicy.SDK_DEFAULT;
        private String listenerId;
        private EventLoopGroup eventLoopGroup;
        private InetAddress sourceAddress;
        private DnsHostResolver resolver;
        private Executor handlerExecutor;
        private RelayClientConfig clientConfig = RelayClientConfig.defaults();
        private Duration tokenTimeToLive = DEFAULT_TOKEN_TIME_TO_LIVE;
        private Duration connectTimeout = ConnectionString.DEFAULT_OPERATION_TIMEOUT;

        private Builder() {
        }

        /** Endpoint ({@code wss}), entity path, credentials and operation timeout from a connection string. */
        public Builder connectionString(ConnectionString connectionString) {
            requireNonNull(connectionString, "connectionString");
            endpoint = RelayEndpoint.of(connectionString);
            tokenProvider = connectionString.hasCredentials() ? TokenProvider.of(connectionString) : null;
            connectTimeout = connectionString.operationTimeoutOrDefault();
            return this;
        }

        /**
         * The namespace URI ({@code sb://} or {@code wss://} for TLS, {@code ws://} for plain), the
         * hybrid connection, and where tokens come from ({@code null}: send none).
         */
        public Builder endpoint(URI namespace, String entityPath, TokenProvider tokenProvider) {
            endpoint = RelayEndpoint.of(namespace, entityPath);
            this.tokenProvider = tokenProvider;
            return this;
        }

        /** TLS trust for {@code wss}; default: {@link #caCertificate(Path)}, else the JDK's trust store. */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** Trust only the CA certificate(s) in this PEM file. */
        public Builder caCertificate(Path caCertificatePem) {
            caCertificate = requireNonNull(caCertificatePem, "caCertificatePem");
            return this;
        }

        /** Decides about each sender; default: accept all. */
        public Builder acceptHandler(AcceptHandler acceptHandler) {
            this.acceptHandler = requireNonNull(acceptHandler, "acceptHandler");
            return this;
        }

        /** Gets each accepted connection; without one, WebSocket senders are rejected with 501. */
        public Builder connectionHandler(ListenerConnectionHandler connectionHandler) {
            this.connectionHandler = requireNonNull(connectionHandler, "connectionHandler");
            return this;
        }

        /** Answers each HTTP request; without one, requests are answered with 501. */
        public Builder requestHandler(RequestHandler requestHandler) {
            this.requestHandler = requireNonNull(requestHandler, "requestHandler");
            return this;
        }

        /** When to try again after a failed attempt; default: {@link RetryPolicy#SDK_DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        public Builder statusListener(ListenerStatusListener statusListener) {
            this.statusListener = requireNonNull(statusListener, "statusListener");
            return this;
        }

        /** The {@code sb-hc-id} to register with; default: a random GUID. */
        public Builder listenerId(String listenerId) {
            requireNonNull(listenerId, "listenerId");
            if (listenerId.isBlank()) {
                throw new IllegalArgumentException("listenerId: '' (expected: a non-blank id, usually a GUID)");
            }
            this.listenerId = listenerId;
            return this;
        }

        /** Run on this group, which the listener does not shut down; default: a group of its own. */
        public Builder eventLoopGroup(EventLoopGroup eventLoopGroup) {
            this.eventLoopGroup = requireNonNull(eventLoopGroup, "eventLoopGroup");
            return this;
        }

        /** Where accept, connection and request handlers run; default: a cached pool of daemon threads the listener owns. */
        public Builder handlerExecutor(Executor handlerExecutor) {
            this.handlerExecutor = requireNonNull(handlerExecutor, "handlerExecutor");
            return this;
        }

        /**
         * The local address the control channel and every rendezvous connection leave from, as a machine with that
         * address would (a VM in a simulated virtual network); default: the system chooses.
         */
        public Builder sourceAddress(InetAddress sourceAddress) {
            this.sourceAddress = requireNonNull(sourceAddress, "sourceAddress");
            return this;
        }

        /**
         * Resolves the namespace host and the hosts in accept and request addresses through this resolver (a chosen
         * DNS server) instead of the system's; TLS still sends and checks the real host name. Default: the system's.
         */
        public Builder resolver(DnsHostResolver resolver) {
            this.resolver = requireNonNull(resolver, "resolver");
            return this;
        }

        public Builder clientConfig(RelayClientConfig clientConfig) {
            this.clientConfig = requireNonNull(clientConfig, "clientConfig");
            return this;
        }

        /** Lifetime of the tokens the listener asks for; default 60 minutes. */
        public Builder tokenTimeToLive(Duration tokenTimeToLive) {
            requireNonNull(tokenTimeToLive, "tokenTimeToLive");
            if (tokenTimeToLive.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("tokenTimeToLive: " + tokenTimeToLive + " (expected: >= 1 s)");
            }
            this.tokenTimeToLive = tokenTimeToLive;
            return this;
        }

        /** Timeout for opening the control channel; default: the connection string's, else 1 minute. */
        public Builder connectTimeout(Duration connectTimeout) {
            requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        public HybridConnectionListener build() {
            return new HybridConnectionListener(this);
        }
    }
}
