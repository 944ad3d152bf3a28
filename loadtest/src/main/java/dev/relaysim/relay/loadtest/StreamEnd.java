package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;

import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * One end of a relayed stream in the {@code integrity} scenario: after {@link #start()} it sends its outbound
 * {@link StreamPattern} (at most {@value #WINDOW} messages not yet written to the socket, so memory stays bounded
 * whatever the peer's pace) while an {@link InboundCheck} checks every message from the peer. {@link #done()}
 * completes once everything was sent and everything expected arrived intact; the first discrepancy, a failed send
 * or a close before the end goes to the run's shared {@code failure} (the first one wins) and stops nothing else.
 */
final class StreamEnd implements RelayMessageHandler {

    /** Messages handed to the connection and not yet written to its socket. */
    static final int WINDOW = 4;

    private final RelayConnection connection;
    private final StreamPattern outbound;
    private final StreamPattern.Direction inboundDirection;
    private final InboundCheck inbound;
    private final CompletableFuture<Void> failure;
    private final LongAdder receivedBytes;
    private final MessageDigest sentDigest = InboundCheck.sha256();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    // Guarded by this.
    private int sent;
    private int unwritten;
    private long sentBytes;
    private boolean started;

    /**
     * @param failure       completed exceptionally with the run's first {@link BenchFailure}
     * @param receivedBytes counts the bytes every end receives, for the progress line
     */
    StreamEnd(RelayConnection connection, StreamPattern outbound, StreamPattern inbound,
              CompletableFuture<Void> failure, LongAdder receivedBytes) {
        this.connection = connection;
        this.outbound = outbound;
        this.inboundDirection = inbound.direction();
        this.inbound = new InboundCheck(inbound);
        this.failure = failure;
        this.receivedBytes = receivedBytes;
    }

    RelayConnection connection() {
        return connection;
    }

    /** Starts sending. */
    void start() {
        synchronized (this) {
            started = true;
            pump();
        }
    }

    /** Completes when this end has sent everything and received everything expected; never fails. */
    CompletableFuture<Void> done() {
        return done;
    }

    synchronized long sentBytes() {
        return sentBytes;
    }

    /** The SHA-256 of everything sent. */
    synchronized byte[] sentSha256() {
        try {
            return ((MessageDigest) sentDigest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of this JVM cannot be cloned", e);
        }
    }

    /** The SHA-256 of everything received. */
    synchronized byte[] receivedSha256() {
        return inbound.sha256Digest();
    }

    synchronized long receivedBytes() {
        return inbound.bytes();
    }

    synchronized int receivedMessages() {
        return inbound.received();
    }

    @Override
    public synchronized void onMessage(RelayMessage message) {
        if (message.isText()) {
            fail(inboundDirection, "message " + inbound.received() + " arrived as text");
            return;
        }
        receivedBytes.add(message.length());
        String problem = inbound.accept(message.asByteBuffer());
        if (problem != null) {
            fail(inboundDirection, problem);
            return;
        }
        completeIfDone();
    }

    @Override
    public synchronized void onClose(int code, String reason) {
        if (!done.isDone()) {
            fail(inboundDirection, "the connection closed (" + new RelayCloseStatus(code, reason) + ") after "
                    + inbound.received() + " of " + outbound.messages() + " messages received and " + sent + " sent");
        }
    }

    /** Caller holds the lock. */
    private void pump() {
        while (unwritten < WINDOW && sent < outbound.messages() && !failure.isDone()) {
            int sequence = sent++;
            byte[] message = outbound.message(sequence);
            sentDigest.update(message);
            sentBytes += message.length;
            unwritten++;
            connection.send(message).whenComplete((ignored, error) -> written(sequence, error));
        }
        completeIfDone();
    }

    private synchronized void written(int sequence, Throwable error) {
        unwritten--;
        if (error != null) {
            fail(outbound.direction(), "sending message " + sequence + " failed: " + error);
            return;
        }
        pump();
    }

    /** Caller holds the lock. */
    private void completeIfDone() {
        if (started && sent == outbound.messages() && unwritten == 0 && inbound.complete()) {
            done.complete(null);
        }
    }

    /** Caller holds the lock. */
    private void fail(StreamPattern.Direction direction, String problem) {
        failure.completeExceptionally(new BenchFailure("stream " + outbound.stream() + ", " + direction + ": " + problem
                + " on " + connection));
    }
}
