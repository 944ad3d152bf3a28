package dev.relaysim.relay.listener;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * Told about the control channel's state. Called from the listener's threads; return quickly.
 */
public interface ListenerStatusListener {

    /** Does nothing. */
    ListenerStatusListener NONE = new ListenerStatusListener() {
    };

    /** The control channel is up (on {@code open()} and after every successful reconnect). */
    default void online() {
    }

    /** The control channel was lost or could not be reopened; the next attempt is in {@code delay}. */
    default void reconnecting(Throwable cause, Duration delay) {
    }

    /**
     * The listener stopped for good and will not reconnect: {@code cause} is the error (a 401, 403 or
     * 404 {@link dev.relaysim.relay.common.client.RelayHandshakeException}, or the first attempt's
     * failure), or {@code null} when it was closed.
     */
    default void stopped(@Nullable Throwable cause) {
    }
}
