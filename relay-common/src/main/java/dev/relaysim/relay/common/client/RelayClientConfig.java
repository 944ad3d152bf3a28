package dev.relaysim.relay.common.client;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Limits of a {@link RelayWebSocketClient}'s connections.
 *
 * @param maxFramePayloadLength largest single frame accepted from the peer
 * @param maxMessageSize        largest whole message (all fragments together); beyond it the
 *                              connection closes with 1009
 * @param receiveQueueMessages  when this many received messages wait in
 *                              {@link RelayConnection#receive(Duration)}'s queue, reading pauses until half are taken
 * @param receiveQueueBytes     the same limit in payload bytes
 * @param closeTimeout          how long to wait for the peer's close frame after sending ours
 */
public record RelayClientConfig(int maxFramePayloadLength, int maxMessageSize, int receiveQueueMessages,
                                int receiveQueueBytes, Duration closeTimeout) {

    /** 16 MiB, the gateway's default message size limit. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    private static final RelayClientConfig DEFAULTS = new RelayClientConfig(DEFAULT_MAX_MESSAGE_SIZE,
            DEFAULT_MAX_MESSAGE_SIZE, 256, 8 * 1024 * 1024, Duration.ofSeconds(10));

    public RelayClientConfig {
        if (maxFramePayloadLength < 1) {
            throw new IllegalArgumentException("maxFramePayloadLength: " + maxFramePayloadLength + " (expected: >= 1)");
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 1)");
        }
        if (receiveQueueMessages < 1) {
            throw new IllegalArgumentException("receiveQueueMessages: " + receiveQueueMessages + " (expected: >= 1)");
        }
        if (receiveQueueBytes < 1) {
            throw new IllegalArgumentException("receiveQueueBytes: " + receiveQueueBytes + " (expected: >= 1)");
        }
        requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout: " + closeTimeout + " (expected: > 0)");
        }
    }

    /** 16 MiB frames and messages, pause reading at 256 queued messages or 8 MiB, 10 s close timeout. */
    public static RelayClientConfig defaults() {
        return DEFAULTS;
    }
}
