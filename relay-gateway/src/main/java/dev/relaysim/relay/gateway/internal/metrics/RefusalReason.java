package dev.relaysim.relay.gateway.internal.metrics;

/**
 * Why the gateway refused a request: the {@value RelayMeters#REASON} tag of {@value RelayMeters#REFUSALS}. A fixed
 * set, so that the tag's cardinality stays fixed.
 */
public enum RefusalReason {

    /** 401 or 403 from SAS authorization: missing, malformed, expired or insufficient token. */
    AUTH("auth"),
    /** 404 or 410: no such namespace, hybrid connection, action or rendezvous address. */
    NOT_FOUND("not_found"),
    /** 404 to a sender: no listener connected. */
    NO_LISTENER("no_listener"),
    /** A quota: the 26th listener of a hybrid connection (403), or 429. */
    LIMIT("limit"),
    /** A network rule (IP filter, Private Link) refused the client. */
    NETWORK_RULE("network_rule"),
    /** The endpoint cannot serve the request in its state (5xx answers such as 501 or 503). */
    ENDPOINT_STATE("endpoint_state"),
    /** Malformed or oversized HTTP, or not a WebSocket upgrade (400, 413, 414, 431, other 4xx). */
    BAD_REQUEST("bad_request"),
    /** A deadline passed: the upgrade request came too late (408), or no listener accepted in time (404). */
    TIMEOUT("timeout");

    private final String tagValue;

    RefusalReason(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    /**
     * The reason a status code stands for when nothing more specific is known: 401/403 {@link #AUTH}, 404/410
     * {@link #NOT_FOUND}, 408 {@link #TIMEOUT}, 429 {@link #LIMIT}, other 4xx {@link #BAD_REQUEST}, 5xx
     * {@link #ENDPOINT_STATE}.
     */
    public static RefusalReason forStatus(int statusCode) {
        return switch (statusCode) {
            case 401, 403 -> AUTH;
            case 404, 410 -> NOT_FOUND;
            case 408 -> TIMEOUT;
            case 429 -> LIMIT;
            default -> statusCode >= 500 ? ENDPOINT_STATE : BAD_REQUEST;
        };
    }
}
