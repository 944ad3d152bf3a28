package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import static java.util.Objects.requireNonNull;

/**
 * Times a WebSocket handshake from the moment its upgrade request is complete (the upgrade router) to Netty's
 * {@code HandshakeComplete} (the 101 is written), in a channel attribute, so that the handler that sees the
 * handshake complete needs no reference to the recorder. A sender's timer also takes the two moments between:
 * {@link #acceptSent} and {@link #rendezvousOpened}; its {@link #complete} then records the three
 * {@link ConnectionPhase}s (none where either moment is missing). The rendezvous moment is written on another event
 * loop than the sender's (the rendezvous connection's), hence volatile.
 */
public final class HandshakeTimer {

    private static final AttributeKey<HandshakeTimer> KEY = AttributeKey.valueOf(HandshakeTimer.class, "timer");

    private final GatewayMetrics metrics;
    private final long startNanos;
    private volatile long acceptSentNanos;
    private volatile long rendezvousOpenedNanos;

    private HandshakeTimer(GatewayMetrics metrics, long startNanos) {
        this.metrics = metrics;
        this.startNanos = startNanos;
    }

    /** Starts timing {@code channel}'s handshake now (again, if a previous request of the channel was refused). */
    public static void start(Channel channel, GatewayMetrics metrics) {
        requireNonNull(metrics, "metrics");
        channel.attr(KEY).set(new HandshakeTimer(metrics, System.nanoTime()));
    }

    /**
     * The accept command of the sender on {@code sender} is handed to the listener's control channel (or to the node
     * holding the listener): called before it can leave, so that it always precedes {@link #rendezvousOpened}.
     */
    public static void acceptSent(Channel sender) {
        HandshakeTimer timer = sender.attr(KEY).get();
        if (timer != null) {
            timer.acceptSentNanos = System.nanoTime();
        }
    }

    /** The listener's rendezvous request for the sender on {@code sender} has arrived and claimed its rendezvous. */
    public static void rendezvousOpened(Channel sender) {
        HandshakeTimer timer = sender.attr(KEY).get();
        if (timer != null) {
            timer.rendezvousOpenedNanos = System.nanoTime();
        }
    }

    /**
     * Records {@code channel}'s handshake as completed now, once, with a sender's connection phases when both
     * moments between were taken.
     *
     * @return the {@link System#nanoTime()} at which the request was complete, or {@code now} when the channel was
     *         not being timed
     */
    public static long complete(Channel channel, HcAction action) {
        long now = System.nanoTime();
        HandshakeTimer timer = channel.attr(KEY).getAndSet(null);
        if (timer == null) {
            return now;
        }
        timer.metrics.handshakeCompleted(action, now - timer.startNanos);
        long acceptSent = timer.acceptSentNanos;
        long rendezvousOpened = timer.rendezvousOpenedNanos;
        if (action == HcAction.CONNECT && acceptSent != 0 && rendezvousOpened != 0) {
            timer.metrics.connectionPhase(ConnectionPhase.ACCEPT_SENT, acceptSent - timer.startNanos);
            timer.metrics.connectionPhase(ConnectionPhase.RENDEZVOUS_OPENED, rendezvousOpened - acceptSent);
            timer.metrics.connectionPhase(ConnectionPhase.SENDER_UPGRADED, now - rendezvousOpened);
        }
        return timer.startNanos;
    }
}
