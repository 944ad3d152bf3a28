package dev.relaysim.relay.gateway.internal.relay;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link RelayPair} forwards frames and ends.
 *
 * @param fragmentSize          the largest payload of one data frame written to either leg; larger frames are
 *                              split into continuation fragments (64 KiB: the Java SDK's Jetty client refuses
 *                              larger frames with 1009, on its listener and on its sender alike)
 * @param maxMessageSize        the largest message, summed over its fragments, relayed in either direction; a
 *                              larger one closes its sender with 1009 and the other side with 1011
 * @param closeHandshakeTimeout how long the pair waits, once a close frame has been forwarded, for the other
 *                              side's close frame (and for the final flushes) before closing both connections
 */
public record RelaySettings(int fragmentSize, int maxMessageSize, Duration closeHandshakeTimeout) {

    public RelaySettings {
        if (fragmentSize <= 0) {
            throw new IllegalArgumentException("fragmentSize: " + fragmentSize + " (expected: > 0)");
        }
        if (maxMessageSize <= 0) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: > 0)");
        }
        requireNonNull(closeHandshakeTimeout, "closeHandshakeTimeout");
        if (closeHandshakeTimeout.isNegative() || closeHandshakeTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "closeHandshakeTimeout: " + closeHandshakeTimeout + " (expected: > 0)");
        }
    }
}
