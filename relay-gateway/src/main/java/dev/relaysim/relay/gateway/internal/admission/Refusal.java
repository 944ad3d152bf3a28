package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.internal.limits.RefusalLog;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Why the gateway refuses a request, and everything the answer is made of; {@link Refusals#answer} renders it.
 * A refused connection is closed once answered.
 *
 * @param status the status code answered, or 0 where the connection is closed without an answer
 * @param message the service's text, before its {@code TrackingId:..., SystemTracker:..., Timestamp:...} part
 * @param tracker the system tracker, {@code <host>:<path>} (the journal's namespace and entity are read from it),
 *                or {@link ServiceErrors#addressTracker} where no request head was read
 * @param reason how metrics and the event journal count it
 * @param detail what decided, as logged and journaled (for network rules, the rule)
 * @param log the log that keeps a flood of such refusals to a few lines (limits), or null to log each one
 * @param errorCode the {@code error.code} of a JSON body ({@link HttpErrors}), or null for the service's text
 */
public record Refusal(int status, String message, String tracker, RefusalReason reason, String detail,
                      @Nullable RefusalLog log, @Nullable String errorCode) implements Verdict {

    public Refusal {
        if (status != 0 && (status < 100 || status > 999)) {
            throw new IllegalArgumentException("status: " + status + " (expected: 0 or 100-999)");
        }
        requireNonNull(message, "message");
        requireNonNull(tracker, "tracker");
        requireNonNull(reason, "reason");
        requireNonNull(detail, "detail");
    }

    /** A refusal counted by its status ({@link RefusalReason#forStatus}). */
    public static Refusal of(int status, String message, String tracker, String detail) {
        return of(RefusalReason.forStatus(status), status, message, tracker, detail);
    }

    /** A refusal counted as {@code reason}, answered with the service's text. */
    public static Refusal of(RefusalReason reason, int status, String message, String tracker, String detail) {
        return new Refusal(status, message, tracker, reason, detail, null, null);
    }

    /** 401 {@value NetworkGuard#IP_REFUSED} with the doc links: the network rules keep the caller out. */
    public static Refusal network(String tracker, String detail) {
        return of(RefusalReason.NETWORK_RULE, 401, NetworkGuard.refusalMessage(), tracker, detail);
    }

    /** A connection closed without an answer (a reset, a handshake that never started). */
    public static Refusal closed(RefusalReason reason, String tracker, String detail) {
        return of(reason, 0, "", tracker, detail);
    }

    /** This refusal logged through {@code log}, which keeps a flood of them to a few lines. */
    public Refusal loggedBy(RefusalLog log) {
        return new Refusal(status, message, tracker, reason, detail, requireNonNull(log, "log"), errorCode);
    }

    /** This refusal answered with the JSON body of HTTP request mode ({@link HttpErrors}), code {@code code}. */
    public Refusal asJsonError(String code) {
        return new Refusal(status, message, tracker, reason, detail, log, requireNonNull(code, "code"));
    }

    /** Whether the connection is closed without an answer. */
    public boolean unanswered() {
        return status == 0;
    }
}
