package dev.relaysim.relay.listener;

import static java.util.Objects.requireNonNull;

/**
 * What an {@link AcceptHandler} decided about a sender: accept, or reject with the HTTP status and
 * description the sender's upgrade fails with.
 *
 * @param accepted          whether to accept
 * @param statusCode        for a rejection, 400-599 (ignored when accepted)
 * @param statusDescription for a rejection, the reason phrase the sender gets (ignored when accepted)
 */
public record AcceptDecision(boolean accepted, int statusCode, String statusDescription) {

    private static final AcceptDecision ACCEPT = new AcceptDecision(true, 101, "");

    public AcceptDecision {
        requireNonNull(statusDescription, "statusDescription");
        if (!accepted && (statusCode < 400 || statusCode > 599)) {
            throw new IllegalArgumentException("statusCode: " + statusCode + " (expected: 400-599)");
        }
    }

    public static AcceptDecision accept() {
        return ACCEPT;
    }

    public static AcceptDecision reject(int statusCode, String statusDescription) {
        return new AcceptDecision(false, statusCode, statusDescription);
    }
}
