package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayClientBuilder;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RequestCommand;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A Hybrid Connections listener.
 *
 * <p>{@link #open()} opens the control channel
 * {@code wss://host:port/$hc/<entity>?sb-hc-action=listen&sb-hc-id=<listener id>} with a SAS token
 * in the {@code ServiceBusAuthorization} header; {@link ControlChannelHandler} reads it. For every {@code accept}
 * command the {@link AcceptHandler} decides ({@link AcceptDispatcher}): accepted senders are connected by opening the
 * command's address as given (offering the sender's first subprotocol) and handed to the
 * {@link ListenerConnectionHandler}; rejected ones by opening the address with
 * {@code sb-hc-statusCode} and {@code sb-hc-statusDescription}, which the relay answers with 410.
 * {@code request} commands (HTTP requests senders sent to the hybrid connection) go to the
 * {@link RequestHandler}, see {@link RelayedHttpListenerRequest} and {@link RelayedHttpListenerResponse}: a full
 * request
 * is followed on the control channel by its body, if it has one, as exactly one binary message; an
 * address-only request is fetched from its rendezvous address. A listener without a connection handler
 * rejects WebSocket senders with 501, one without a request handler answers requests with 501.
 * ({@link HttpRequestDispatcher}). Other commands are ignored (logged once). Before the token expires (at 80% of
 * its life) a {@code renewToken} command carries a new one ({@link TokenRenewal}).
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
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private enum State { NEW, CONNECTING, ONLINE, RECONNECTING, STOPPED }

    private final RelayEndpoint endpoint;
    private final @Nullable TokenProvider tokenProvider;
    private final Duration tokenTimeToLive;
    private final Duration connectTimeout;
    private final String listenerId;
    private final URI controlUri;
    private final ListenerStatusListener statusListener;
    private final RetryPolicy retryPolicy;
    private final RelayWebSocketClient client;
    private final EventExecutor scheduler;
    private final @Nullable ExecutorService ownedExecutor;
    private final AcceptDispatcher accepts;
    private final HttpRequestDispatcher httpRequests;
    private final Set<RelayConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<String> ignoredKinds = ControlChannelHandler.newIgnoredKinds();
    private final CompletableFuture<Void> openFuture = new CompletableFuture<>();
    private final CompletableFuture<Void> terminationFuture = new CompletableFuture<>();

    // Guarded by this.
    private State state = State.NEW;
    private boolean released;
    private @Nullable RelayConnection control;
    private @Nullable ScheduledFuture<?> reconnect;
    private @Nullable TokenRenewal renewal;
    private int failedAttempts;

    private HybridConnectionListener(Builder builder, RelayClientBuilder.Settings settings) {
        endpoint = settings.endpoint();
        if (builder.connectionHandler == null && builder.requestHandler == null) {
            throw new NullPointerException("connectionHandler and requestHandler (expected: at least one of them)");
        }
        tokenProvider = settings.tokenProvider();
        tokenTimeToLive = settings.tokenTimeToLive();
        connectTimeout = settings.connectTimeout();
        listenerId = builder.listenerId != null ? builder.listenerId : UUID.randomUUID().toString();
        controlUri = endpoint.webSocketUri(HcAction.LISTEN, listenerId);
        statusListener = builder.statusListener;
        retryPolicy = builder.retryPolicy;
        client = new RelayWebSocketClient(settings.sslContext(), builder.clientConfig, settings.eventLoopGroup(),
                settings.sourceAddress(), settings.resolver());
        scheduler = client.group().next();
        Executor handlerExecutor;
        if (builder.handlerExecutor != null) {
            handlerExecutor = builder.handlerExecutor;
            ownedExecutor = null;
        } else {
            ownedExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("relay-listener-handler", true));
            handlerExecutor = ownedExecutor;
        }
        accepts = new AcceptDispatcher(listenerId, client, builder.acceptHandler, builder.connectionHandler,
                handlerExecutor, connections, this::isStopped);
        httpRequests = new HttpRequestDispatcher(listenerId, client,
                builder.requestHandler != null ? builder.requestHandler : RequestHandler.NOT_IMPLEMENTED,
                handlerExecutor, connections);
    }

    /** A builder; an endpoint and a connection or request handler (or both) are required. */
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

    /**
     * Completes when the listener has stopped: normally after {@link #close()}, exceptionally with the error that
     * stopped it.
     */
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

    /**
     * Stops listening, closes the control channel (1000) and accepted connections (1001), and releases threads;
     * idempotent.
     */
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
                CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                        .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
                expiry = TokenRenewal.expiryOf(token);
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

    private void onControlOpen(RelayConnection connection, @Nullable Instant expiry) {
        synchronized (this) {
            if (state == State.STOPPED) {
                connection.close(RelayCloseStatus.NORMAL, "listener closed");
                return;
            }
            control = connection;
            state = State.ONLINE;
            failedAttempts = 0;
            if (tokenProvider != null) {
                renewal = new TokenRenewal(listenerId, endpoint.audience(), tokenProvider, tokenTimeToLive, scheduler,
                        connection::sendText);
                renewal.start(expiry);
            }
        }
        connection.setHandler(new ControlChannelHandler(listenerId, new ControlCommands(connection), ignoredKinds));
        logger.info("listener {} is listening on {}", listenerId, endpoint);
        notifyStatus(statusListener::online);
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
        logger.info("listener {}: the control channel closed ({}); reconnecting in {} s", listenerId, status,
                delay.toSeconds());
        notifyStatus(() -> statusListener.reconnecting(new ControlChannelClosedException(status), delay));
    }

    /** Schedules the next attempt ({@link RetryPolicy#backoff}) and returns its delay; caller holds the lock. */
    private Duration scheduleReconnect() {
        Duration delay = RetryPolicy.backoff(failedAttempts);
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
    private void cancelTimers() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
        if (renewal != null) {
            renewal.cancel();
            renewal = null;
        }
    }

    private void notifyStatus(Runnable notification) {
        try {
            notification.run();
        } catch (RuntimeException e) {
            logger.warn("listener {}: the status listener failed", listenerId, e);
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

    /** The commands of one control channel: accepts and requests to their dispatchers, its end to the listener. */
    private final class ControlCommands implements ControlChannelHandler.Commands {

        private final RelayConnection connection;

        ControlCommands(RelayConnection connection) {
            this.connection = connection;
        }

        @Override
        public void accept(AcceptCommand accept) {
            accepts.dispatch(accept);
        }

        @Override
        public void request(RequestCommand request, byte @Nullable [] body) {
            httpRequests.dispatch(request, body, connection);
        }

        @Override
        public void closed(int code, String reason) {
            onControlClosed(connection, code, reason);
        }
    }

    /**
     * Configures a {@link HybridConnectionListener}: the options every client has (see {@link RelayClientBuilder};
     * the connect timeout is for opening the control channel), and the listener's own. An endpoint and
     * {@link #connectionHandler} or {@link #requestHandler} (or both) are required.
     */
    public static final class Builder extends RelayClientBuilder<Builder> {

        private AcceptHandler acceptHandler = AcceptHandler.ACCEPT_ALL;
        private @Nullable ListenerConnectionHandler connectionHandler;
        private @Nullable RequestHandler requestHandler;
        private ListenerStatusListener statusListener = ListenerStatusListener.NONE;
        private RetryPolicy retryPolicy = RetryPolicy.SDK_DEFAULT;
        private @Nullable String listenerId;
        private @Nullable Executor handlerExecutor;
        private RelayClientConfig clientConfig = RelayClientConfig.defaults();

        private Builder() {
        }

        @Override
        protected Builder self() {
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

        /**
         * Where accept, connection and request handlers run; default: a cached pool of daemon threads the listener
         * owns.
         */
        public Builder handlerExecutor(Executor handlerExecutor) {
            this.handlerExecutor = requireNonNull(handlerExecutor, "handlerExecutor");
            return this;
        }

        /** Frame, message and receive-queue limits of its connections; default {@link RelayClientConfig#defaults()}. */
        public Builder clientConfig(RelayClientConfig clientConfig) {
            this.clientConfig = requireNonNull(clientConfig, "clientConfig");
            return this;
        }

        /**
         * A listener with these options (not yet open).
         *
         * @throws NullPointerException naming what is missing: the endpoint, or both handlers
         * @throws java.io.UncheckedIOException if the {@link #caCertificate} file cannot be read
         */
        public HybridConnectionListener build() {
            return new HybridConnectionListener(this, settings());
        }
    }
}
