package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Keeps one control channel's registration alive: at 80% of the current token's life (its {@code se}, else the
 * lifetime asked for) it sends a {@code renewToken} command with a new token, and again for each new token, until
 * {@link #cancel()} (the control channel closed or the listener stopped). Thread-safe.
 */
final class TokenRenewal {

    private static final Logger logger = LoggerFactory.getLogger(TokenRenewal.class);
    static final double RENEW_AT_FRACTION_OF_LIFE = 0.8;

    private final String listenerId;
    private final String audience;
    private final TokenProvider tokenProvider;
    private final Duration tokenTimeToLive;
    private final EventExecutor scheduler;
    private final Consumer<String> sendText;

    // Guarded by this.
    private @Nullable ScheduledFuture<?> next;
    private @Nullable Instant tokenExpiry;
    private boolean cancelled;

    /** @param sendText sends a text message on the control channel */
    TokenRenewal(String listenerId, String audience, TokenProvider tokenProvider, Duration tokenTimeToLive,
                 EventExecutor scheduler, Consumer<String> sendText) {
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.audience = requireNonNull(audience, "audience");
        this.tokenProvider = requireNonNull(tokenProvider, "tokenProvider");
        this.tokenTimeToLive = requireNonNull(tokenTimeToLive, "tokenTimeToLive");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.sendText = requireNonNull(sendText, "sendText");
    }

    /**
     * Schedules the first renewal for the token the control channel opened with (its expiry; {@code null}: unknown).
     */
    synchronized void start(@Nullable Instant expiry) {
        tokenExpiry = expiry;
        schedule(expiry);
    }

    /** Stops renewing; idempotent. */
    synchronized void cancel() {
        cancelled = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    /** Caller holds the lock. */
    private void schedule(@Nullable Instant expiry) {
        if (cancelled) {
            return;
        }
        Duration life = expiry != null ? Duration.between(Instant.now(), expiry) : tokenTimeToLive;
        if (life.isNegative() || life.isZero()) {
            return;
        }
        long delayNanos = (long) (life.toNanos() * RENEW_AT_FRACTION_OF_LIFE);
        next = scheduler.schedule(this::renew, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void renew() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
        }
        String token;
        try {
            token = tokenProvider.token(audience, tokenTimeToLive);
        } catch (RuntimeException e) {
            logger.warn("listener {} cannot create a token to renew its registration", listenerId, e);
            return;
        }
        Instant expiry = expiryOf(token);
        sendText.accept(ControlCommandCodec.encode(new RenewTokenCommand(token)));
        logger.debug("listener {} renewed its token (expires {})", listenerId, expiry);
        synchronized (this) {
            if (expiry != null && (tokenExpiry == null || expiry.isAfter(tokenExpiry))) {
                tokenExpiry = expiry;
                schedule(expiry);
            }
        }
    }

    /** The expiry ({@code se}) of a SAS token, or {@code null} when it is not one relaysim can read. */
    static @Nullable Instant expiryOf(String token) {
        try {
            return SasToken.parse(token).expiresAt();
        } catch (SasTokenException | RuntimeException e) {
            return null;
        }
    }
}
