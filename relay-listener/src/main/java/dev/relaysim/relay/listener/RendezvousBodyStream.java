package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.ChunkInputStream;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * A request body arriving on a request rendezvous: the binary fragments of one message, taken from the
 * connection's receive queue as the reader asks for them (the queue's limits pause the socket meanwhile), up to the
 * fragment marked final.
 */
final class RendezvousBodyStream extends ChunkInputStream {

    private final RelayConnection connection;
    private final Duration idleTimeout;
    private boolean lastTaken;

    RendezvousBodyStream(RelayConnection connection, Duration idleTimeout) {
        this.connection = requireNonNull(connection, "connection");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    }

    @Override
    protected byte @Nullable [] nextChunk() throws IOException {
        if (lastTaken) {
            return null;
        }
        RelayMessage message = receive(connection, idleTimeout, "the rest of the request body");
        if (message.isText()) {
            throw new IOException("the relay sent a text message inside the request body (expected: binary fragments)");
        }
        lastTaken = message.isFinal();
        return message.data();
    }

    /**
     * The next message or fragment on a request rendezvous.
     *
     * @param awaited what the relay should send, for the error messages
     * @throws IOException if none arrives within {@code timeout} or the rendezvous ends first
     */
    static RelayMessage receive(RelayConnection connection, Duration timeout, String awaited) throws IOException {
        RelayMessage message;
        try {
            message = connection.receive(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + awaited);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no " + awaited + " from the relay within " + timeout.toSeconds() + " s");
        }
        if (message == null) {
            throw new IOException("the relay closed the request rendezvous (" + connection.closeFuture().join()
                    + ") before sending " + awaited);
        }
        return message;
    }
}
