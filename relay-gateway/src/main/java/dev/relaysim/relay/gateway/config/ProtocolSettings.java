package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;

import java.time.Duration;

import static dev.relaysim.relay.gateway.config.ConfigChecks.requirePositive;
import static java.util.Objects.requireNonNull;

/**
 * Limits and timeouts of the relay protocol (JSON object {@code protocol}).
 *
 * @param rendezvousTimeout how long a sender's connect waits for the listener's rendezvous (default 30 s)
 * @param handshakeTimeout how long a new connection may take to send its upgrade request (default 10 s)
 * @param maxMessageSize the largest WebSocket message relayed, in bytes; larger ones close the
 *                       connection with 1009 (default 16 MiB, allowed
 *                       {@value #MIN_MESSAGE_SIZE}-{@value #MAX_MESSAGE_SIZE})
 * @param maxListenersPerEndpoint how many listeners one hybrid connection accepts (default and at most 25)
 * @param shutdownTimeout how long {@code close()} lets connections drain (default 5 s)
 * @param responseTimeout how long an HTTP sender waits for the listener's response before it gets 504 (default 60 s)
 * @param tokenExpiryGrace how long a control channel stays open after its token expired without a
 *                         {@code renewToken} before it is closed with 1008 (default 5 min)
 */
public record ProtocolSettings(Duration rendezvousTimeout, Duration handshakeTimeout, int maxMessageSize,
                               int maxListenersPerEndpoint, Duration shutdownTimeout, Duration responseTimeout,
                               Duration tokenExpiryGrace) {

    /** 1 KiB. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** 256 MiB. */
    public static final int MAX_MESSAGE_SIZE = 256 * 1024 * 1024;

    /** The default {@link #responseTimeout()}: the service answers 504 after 60 s. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** The default {@link #tokenExpiryGrace()}. */
    public static final Duration DEFAULT_TOKEN_EXPIRY_GRACE = Duration.ofMinutes(5);

    public ProtocolSettings {
        requireNonNull(rendezvousTimeout, "rendezvousTimeout");
        requireNonNull(handshakeTimeout, "handshakeTimeout");
        requireNonNull(shutdownTimeout, "shutdownTimeout");
        requirePositive("rendezvousTimeout", rendezvousTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("shutdownTimeout", shutdownTimeout);
        requireNonNull(responseTimeout, "responseTimeout");
        requireNonNull(tokenExpiryGrace, "tokenExpiryGrace");
        requirePositive("responseTimeout", responseTimeout);
        requirePositive("tokenExpiryGrace", tokenExpiryGrace);
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new InvalidValueException("maxMessageSize", maxMessageSize + " (expected: "
                    + MIN_MESSAGE_SIZE + '-' + MAX_MESSAGE_SIZE + " bytes, 1KiB-256MiB)");
        }
        int cap = HybridConnectionConstants.MAX_LISTENERS_PER_ENDPOINT;
        if (maxListenersPerEndpoint < 1 || maxListenersPerEndpoint > cap) {
            throw new InvalidValueException("maxListenersPerEndpoint", maxListenersPerEndpoint
                    + " (expected: 1-" + cap + ')');
        }
    }

    /** Settings with the default {@link #responseTimeout()} and {@link #tokenExpiryGrace()}. */
    public ProtocolSettings(Duration rendezvousTimeout, Duration handshakeTimeout, int maxMessageSize,
                            int maxListenersPerEndpoint, Duration shutdownTimeout) {
        this(rendezvousTimeout, handshakeTimeout, maxMessageSize, maxListenersPerEndpoint, shutdownTimeout,
                DEFAULT_RESPONSE_TIMEOUT, DEFAULT_TOKEN_EXPIRY_GRACE);
    }
}
