package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import static java.util.Objects.requireNonNull;

/**
 * Times a WebSocket handshake from the moment its upgrade request is complete (the upgrade router) to Netty's
 * {@code HandshakeComplete} (the 101 is written), in a channel attribute, so that the handler that sees the
 * handshake complete needs no reference to the recorder.
 */
public final class HandshakeTimer {

    private static final AttributeKey<HandshakeTimer> KEY = AttributeKey.valueOf(HandshakeTimer.class, "timer");

    private final GatewayMetrics metrics;
    private final long startNanos;

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
     * Records {@code channel}'s handshake as completed now, once.
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
        return timer.startNanos;
    }
}
