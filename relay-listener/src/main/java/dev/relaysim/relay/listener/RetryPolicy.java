package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayHandshakeException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * When a {@link HybridConnectionListener} tries again after its control channel failed to open.
 *
 * <p>{@link #SDK_DEFAULT} behaves as Microsoft's SDKs do: the first attempt's failure fails {@code open()}, and a
 * listener that was online reconnects until the relay answers 401, 403 or 404. {@link #forever()} and
 * {@link #attempts(int)} also retry the first attempt and those refusals, with the same backoff: a listener started
 * before its gateway, or whose private endpoint is rejected and later approved again, comes back by itself.
 *
 * @param persistent  whether the first attempt and 401/403/404 refusals are retried too
 * @param maxAttempts how many failed attempts in a row are tolerated before the listener stops; 0 = no limit
 */
public record RetryPolicy(boolean persistent, int maxAttempts) {

    /** The SDKs' behaviour (the default). */
    public static final RetryPolicy SDK_DEFAULT = new RetryPolicy(false, 0);
    /** Delays before reconnect attempts, as the SDKs wait; the last one repeats. */
    static final List<Duration> BACKOFF = List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 0, 0 = no limit)");
        }
    }

    /** Retry every failure, without limit. */
    public static RetryPolicy forever() {
        return new RetryPolicy(true, 0);
    }

    /** Retry every failure, stopping after {@code maxAttempts} failed attempts in a row. */
    public static RetryPolicy attempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("attempts: " + maxAttempts + " (expected: >= 1)");
        }
        return new RetryPolicy(true, maxAttempts);
    }

    /** {@code sdk}, {@code forever} or a number of attempts, as {@code listen --retry} takes it. */
    public static RetryPolicy parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "sdk":
                return SDK_DEFAULT;
            case "forever":
                return forever();
            default:
                try {
                    return attempts(Integer.parseInt(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--retry: \"" + text
                            + "\" (expected: forever, a number of attempts >= 1, or sdk)", e);
                }
        }
    }

    /**
     * Whether to try again after a failed attempt.
     *
     * @param cause          why the attempt failed
     * @param firstAttempt   whether the listener has never been online
     * @param failedAttempts failed attempts in a row so far, this one included
     */
    boolean retries(Throwable cause, boolean firstAttempt, int failedAttempts) {
        if (maxAttempts > 0 && failedAttempts >= maxAttempts) {
            return false;
        }
        return persistent || !firstAttempt && !isRefusal(cause);
    }

    /** How long to wait before the next attempt after {@code failedAttempts} failed ones in a row (0, 1, ...). */
    static Duration backoff(int failedAttempts) {
        return BACKOFF.get(Math.min(Math.max(failedAttempts, 0), BACKOFF.size() - 1));
    }

    /** 401, 403 and 404: the relay refused this listener (credentials, rights, network rules, no such entity). */
    private static boolean isRefusal(Throwable cause) {
        if (cause instanceof RelayHandshakeException refused) {
            int status = refused.statusCode();
            return status == 401 || status == 403 || status == 404;
        }
        return false;
    }
}
