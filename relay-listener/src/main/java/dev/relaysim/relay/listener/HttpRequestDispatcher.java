package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.RequestCommand;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Serves the relay's {@code request} commands with a {@link RequestHandler}, on the handler executor:
 * <ul>
 *   <li>a full request from the control channel (its body, if any, was the binary message after it) is handled
 *       and answered through a {@link ResponseRoute#control control route};</li>
 *   <li>an address-only request makes the listener open the request's address (a {@code sb-hc-action=request}
 *       rendezvous, fragments delivered as they arrive), read the full request command there, hand the handler
 *       the body as it streams in, and answer on that rendezvous.</li>
 * </ul>
 * Bad input from the relay (an undecodable or address-only command on a rendezvous) closes that rendezvous with
 * 1008, logged once per request.
 */
final class HttpRequestDispatcher {

    private static final Logger logger = LoggerFactory.getLogger(HttpRequestDispatcher.class);
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(20);
    /** The relay's body idle limit: a body that stalls longer fails. */
    private static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_COMMAND_BYTES = 1024 * 1024;
    private static final int POLICY_VIOLATION = 1008;

    private final String listenerId;
    private final RelayWebSocketClient client;
    private final RequestHandler handler;
    private final Executor executor;
    private final Set<RelayConnection> connections;

    /**
     * @param connections the listener's open connections: rendezvous are added while open, so that closing the
     *                    listener closes them
     */
    HttpRequestDispatcher(String listenerId, RelayWebSocketClient client, RequestHandler handler, Executor executor,
                          Set<RelayConnection> connections) {
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.client = requireNonNull(client, "client");
        this.handler = requireNonNull(handler, "handler");
        this.executor = requireNonNull(executor, "executor");
        this.connections = requireNonNull(connections, "connections");
    }

    /**
     * A request from the control channel: full ({@code body} is the message that followed it, or {@code null})
     * or address-only.
     */
    void dispatch(RequestCommand request, byte[] body, RelayConnection control) {
        Runnable task = request.isAddressOnly()
                ? () -> serveFromRendezvous(request)
                : () -> serve(request, new ByteArrayInputStream(body == null ? new byte[0] : body),
                        ResponseRoute.control(control, () -> open(request.address(), false)));
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            logger.debug("listener {} is closing; dropping request {}", listenerId, request.id());
        }
    }

    private void serveFromRendezvous(RequestCommand announced) {
        RelayConnection rendezvous;
        try {
            rendezvous = open(announced.address(), true);
        } catch (IOException e) {
            logger.warn("listener {} cannot fetch request {}: {}", listenerId, announced.id(), e.getMessage());
            return;
        }
        RequestCommand request;
        try {
            request = readRequest(rendezvous);
        } catch (IOException e) {
            logger.warn("listener {}: request {} on its rendezvous is unusable: {}", listenerId, announced.id(),
                    e.getMessage());
            rendezvous.close(POLICY_VIOLATION, "expected a request command");
            return;
        }
        InputStream body = request.body() ? new RendezvousBodyStream(rendezvous, BODY_IDLE_TIMEOUT)
                : new ByteArrayInputStream(new byte[0]);
        serve(request, body, ResponseRoute.rendezvous(rendezvous));
    }

    private void serve(RequestCommand request, InputStream body, ResponseRoute route) {
        RelayedHttpListenerRequest relayed = new RelayedHttpListenerRequest(request.id(), request.method(),
                request.requestTarget(), request.requestHeaders(), request.remoteEndpoint(), request.body(), body);
        RelayedHttpListenerResponse response = new RelayedHttpListenerResponse(request.id(), route);
        try {
            handler.handle(relayed, response);
        } catch (Exception e) {
            logger.warn("listener {}: the request handler failed for {} {} (request {})", listenerId,
                    request.method(), request.requestTarget(), request.id(), e);
            try {
                if (!response.fail()) {
                    logger.debug("listener {}: the response to request {} was aborted", listenerId, request.id());
                }
            } catch (IOException failed) {
                logger.warn("listener {} cannot answer request {} with 500: {}", listenerId, request.id(),
                        failed.getMessage());
            }
            return;
        }
        try {
            response.complete();
        } catch (IOException e) {
            logger.warn("listener {} cannot send the response to request {}: {}", listenerId, request.id(),
                    e.getMessage());
        }
    }

    /** Reads the full request command: the first message on a request rendezvous (text, possibly fragmented). */
    private static RequestCommand readRequest(RelayConnection rendezvous) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        RelayMessage fragment;
        do {
            fragment = RendezvousBodyStream.receive(rendezvous, RENDEZVOUS_TIMEOUT, "the request command");
            if (fragment.isBinary()) {
                throw new IOException("a binary message (expected: the request command as text)");
            }
            if (text.size() + fragment.length() > MAX_COMMAND_BYTES) {
                throw new IOException("a request command over " + MAX_COMMAND_BYTES + " bytes");
            }
            text.writeBytes(fragment.data());
        } while (!fragment.isFinal());
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(text.toString(StandardCharsets.UTF_8));
        } catch (ControlCommandException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(command instanceof RequestCommand request) || request.isAddressOnly()) {
            throw new IOException("a " + command.getClass().getSimpleName()
                    + " (expected: a request command with method and requestTarget)");
        }
        return request;
    }

    /** Opens a rendezvous address (blocking) and tracks it until it closes. */
    private RelayConnection open(String address, boolean fragments) throws IOException {
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new IOException("unusable rendezvous address: " + e.getMessage(), e);
        }
        RelayConnection connection;
        try {
            connection = client.connect(uri, EmptyHttpHeaders.INSTANCE, null, RENDEZVOUS_TIMEOUT, fragments)
                    .get(RENDEZVOUS_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + uri.getHost() + ':' + uri.getPort());
        } catch (Exception e) {
            throw new IOException(ConnectFailures.describe(e, uri.getHost() + ':' + uri.getPort()), e);
        }
        connections.add(connection);
        connection.closeFuture().whenComplete((status, ignored) -> connections.remove(connection));
        return connection;
    }
}
