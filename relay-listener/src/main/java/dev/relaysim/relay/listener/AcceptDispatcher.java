package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * A listener's answer to each {@code accept} command: the {@link AcceptHandler} decides; an accepted sender is
 * connected by opening the command's address as given (offering the sender's first subprotocol) and handed to the
 * {@link ListenerConnectionHandler}, a rejected one by opening the address with {@code sb-hc-statusCode} and
 * {@code sb-hc-statusDescription}, which the relay answers with 410. Without a connection handler every sender is
 * rejected with 501; a handler that throws rejects with 502, as the SDKs do.
 */
final class AcceptDispatcher {

    private static final Logger logger = LoggerFactory.getLogger(AcceptDispatcher.class);
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(20);
    static final int HANDLER_FAILED_STATUS = 502;
    static final String HANDLER_FAILED_DESCRIPTION =
            "The Listener's custom AcceptHandler threw an exception. See Listener logs for details.";
    static final AcceptDecision HTTP_ONLY = AcceptDecision.reject(501, "This listener serves HTTP requests only");
    private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";

    private final String listenerId;
    private final RelayWebSocketClient client;
    private final AcceptHandler acceptHandler;
    private final @Nullable ListenerConnectionHandler connectionHandler;
    private final Executor handlerExecutor;
    private final Set<RelayConnection> connections;
    private final BooleanSupplier stopped;

    /**
     * @param connections the listener's open connections: accepted ones are added while open, so that closing the
     *                    listener closes them
     * @param stopped     whether the listener has stopped (a connection that opens after that is closed at once)
     */
    AcceptDispatcher(String listenerId, RelayWebSocketClient client, AcceptHandler acceptHandler,
                     @Nullable ListenerConnectionHandler connectionHandler, Executor handlerExecutor,
                     Set<RelayConnection> connections, BooleanSupplier stopped) {
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.client = requireNonNull(client, "client");
        this.acceptHandler = requireNonNull(acceptHandler, "acceptHandler");
        this.connectionHandler = connectionHandler;
        this.handlerExecutor = requireNonNull(handlerExecutor, "handlerExecutor");
        this.connections = requireNonNull(connections, "connections");
        this.stopped = requireNonNull(stopped, "stopped");
    }

    /** Answers {@code accept}: on the calling thread when no user code decides, else on the handler executor. */
    void dispatch(AcceptCommand accept) {
        if (acceptHandler == AcceptHandler.ACCEPT_ALL) {
            // No user code to run: answering on the event loop saves a thread hand-off per connection.
            answer(accept);
            return;
        }
        try {
            handlerExecutor.execute(() -> answer(accept));
        } catch (RejectedExecutionException e) {
            logger.debug("listener {} is closing; dropping accept {}", listenerId, accept.id());
        }
    }

    /** What to answer {@code accept}: the handler's decision, 501 without a connection handler, 502 if it throws. */
    AcceptDecision decide(AcceptCommand accept) {
        if (connectionHandler == null) {
            return HTTP_ONLY;
        }
        try {
            return requireNonNull(acceptHandler.decide(accept), "accept handler's decision");
        } catch (RuntimeException e) {
            logger.warn("listener {}: the accept handler failed for connection {}; rejecting it with {}", listenerId,
                    accept.id(), HANDLER_FAILED_STATUS, e);
            return AcceptDecision.reject(HANDLER_FAILED_STATUS, HANDLER_FAILED_DESCRIPTION);
        }
    }

    private void answer(AcceptCommand accept) {
        AcceptDecision decision = decide(accept);
        URI address;
        try {
            address = decision.accepted() ? URI.create(accept.address()) : rejectUri(accept.address(), decision);
        } catch (IllegalArgumentException e) {
            logger.warn("listener {}: unusable accept address for connection {}: {}", listenerId, accept.id(),
                    e.getMessage());
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
            connecting = client.connect(address, EmptyHttpHeaders.INSTANCE,
                    firstSubprotocol(accept.connectHeaders()), RENDEZVOUS_TIMEOUT);
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
            if (stopped.getAsBoolean()) {
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
            requireNonNull(connectionHandler, "connectionHandler").onConnection(accept, connection);
        } catch (RuntimeException e) {
            logger.warn("listener {}: the connection handler failed for connection {}; closing it", listenerId,
                    accept.id(), e);
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
                logger.warn("listener {}: the relay upgraded the rejection of connection {} instead of answering 410;"
                        + " closing it", listenerId, accept.id());
                connection.close(RelayCloseStatus.NORMAL, "rejected");
            } else if (ConnectFailures.unwrap(failure) instanceof RelayHandshakeException refused
                    && refused.statusCode() == 410) {
                logger.debug("listener {} rejected connection {} with {} {}", listenerId, accept.id(),
                        decision.statusCode(), decision.statusDescription());
            } else {
                logger.warn("listener {} could not reject connection {}: {}", listenerId, accept.id(),
                        ConnectFailures.describe(failure, address.getHost() + ':' + address.getPort()));
            }
        });
    }

    /** The accept address with the rejection's status and description appended. */
    static URI rejectUri(String address, AcceptDecision decision) {
        return URI.create(address + (address.indexOf('?') >= 0 ? '&' : '?')
                + HybridConnectionConstants.STATUS_CODE + '=' + decision.statusCode() + '&'
                + HybridConnectionConstants.STATUS_DESCRIPTION + '='
                + PercentCodec.encode(decision.statusDescription()));
    }

    /** The first subprotocol the sender offered, or {@code null}. */
    static @Nullable String firstSubprotocol(Map<String, String> connectHeaders) {
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
}
