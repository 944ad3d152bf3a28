package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One connection's load: keeps {@code window} checked messages in flight (1 for ping-pong), checks every echo
 * byte-exact and in order, and records each round trip. {@link #stop()} stops sending; {@link #drained()}
 * completes once every message sent has come back, and fails on the first wrong, missing or extra message.
 */
final class EchoStream implements RelayMessageHandler {

    /** Round trips up to one minute, 3 significant digits. */
    static final long HIGHEST_TRACKABLE_NANOS = 60_000_000_000L;

    private final RelayConnection connection;
    private final Payloads payloads;
    private final long[] sendTimes;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    // Guarded by this.
    private long sent;
    private long received;
    private boolean stopping;
    private Histogram roundTrips = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);

    EchoStream(RelayConnection connection, Payloads payloads, int window) {
        this.connection = connection;
        this.payloads = payloads;
        sendTimes = new long[window];
    }

    /** Takes over the connection's messages and sends the first window. */
    void start() {
        connection.setHandler(this);
        for (int i = 0; i < sendTimes.length; i++) {
            synchronized (this) {
                sendNext();
            }
        }
    }

    /** Messages sent and echoed so far: {@code [sent, received]}. */
    synchronized long[] counts() {
        return new long[] {sent, received};
    }

    /** The round trips recorded since the last call, starting a new histogram. */
    synchronized Histogram takeRoundTrips() {
        Histogram taken = roundTrips;
        roundTrips = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        return taken;
    }

    /** Sends no more messages; {@link #drained()} completes when the last echo is back. */
    synchronized void stop() {
        stopping = true;
        if (received == sent) {
            drained.complete(null);
        }
    }

    CompletableFuture<Void> drained() {
        return drained;
    }

    RelayConnection connection() {
        return connection;
    }

    @Override
    public void onMessage(RelayMessage message) {
        onEcho(message.isText(), message.asByteBuffer());
    }

    /** Checks the echo in the buffer it arrived in, without copying it. */
    @Override
    public void onMessage(boolean text, ByteBuf content) {
        onEcho(text, content.nioBuffer());
    }

    private synchronized void onEcho(boolean text, ByteBuffer message) {
        if (drained.isDone()) {
            if (!drained.isCompletedExceptionally()) {
                drained.completeExceptionally(new BenchFailure("an extra message arrived after the last echo"));
            }
            return;
        }
        String problem = !text ? payloads.check(message, received)
                : "message " + received + " came back as text";
        if (problem != null) {
            drained.completeExceptionally(new BenchFailure(problem + " on " + connection));
            return;
        }
        roundTrips.recordValue(Math.min(HIGHEST_TRACKABLE_NANOS,
                System.nanoTime() - sendTimes[(int) (received % sendTimes.length)]));
        received++;
        if (!stopping) {
            sendNext();
        } else if (received == sent) {
            drained.complete(null);
        }
    }

    @Override
    public synchronized void onClose(int code, String reason) {
        if (!drained.isDone()) {
            drained.completeExceptionally(new BenchFailure("the connection closed ("
                    + new RelayCloseStatus(code, reason)
                    + ") with " + (sent - received) + " messages not echoed: " + connection));
        }
    }

    /** Caller holds the lock. */
    private void sendNext() {
        long sequence = sent++;
        sendTimes[(int) (sequence % sendTimes.length)] = System.nanoTime();
        // Wrapped, not copied: the message is this stream's own and never changes.
        connection.send(Unpooled.wrappedBuffer(payloads.create(sequence))).whenComplete((ignored, failure) -> {
            if (failure != null) {
                drained.completeExceptionally(new BenchFailure("sending message " + sequence + " failed: " + failure));
            }
        });
    }
}
