package dev.relaysim.relay.gateway.config;

/**
 * How much the gateway takes before it refuses (JSON object {@code limits}). Validation messages name the fields by
 * their JSON path relative to {@code limits}, such as {@code maxConnectionsPerSource}.
 *
 * @param maxConnectionsPerSource open TCP connections from one source IP address to all the gateway's front-end and
 *                                rendezvous ports, on the bind address and on private endpoint addresses (not DNS,
 *                                not the management server); beyond it a connection's request is answered 429
 *                                (default {@value #DEFAULT_MAX_CONNECTIONS_PER_SOURCE})
 * @param maxPendingRendezvousPerEntity senders waiting for a listener's accept on one hybrid connection; beyond it a
 *                                      sender gets 429 (default {@value #DEFAULT_MAX_PENDING_RENDEZVOUS_PER_ENTITY})
 * @param maxRelayedConnectionsPerNamespace relayed WebSocket connections plus waiting senders in one namespace, Azure's
 *                                          quota of concurrent connections; beyond it a sender gets 403
 *                                          {@code Quota exceeded.} (default
 *                                          {@value #DEFAULT_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE})
 */
public record LimitSettings(int maxConnectionsPerSource, int maxPendingRendezvousPerEntity,
                            int maxRelayedConnectionsPerNamespace) {

    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 10_000;
    public static final int DEFAULT_MAX_PENDING_RENDEZVOUS_PER_ENTITY = 1_000;
    public static final int DEFAULT_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE = 5_000;
    /** The largest value of every limit. */
    public static final int MAX_LIMIT = 1_000_000;
    /** The defaults: what configurations built in code without limits get. */
    public static final LimitSettings DEFAULTS = new LimitSettings(DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            DEFAULT_MAX_PENDING_RENDEZVOUS_PER_ENTITY, DEFAULT_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE);

    public LimitSettings {
        requireLimit("maxConnectionsPerSource", maxConnectionsPerSource);
        requireLimit("maxPendingRendezvousPerEntity", maxPendingRendezvousPerEntity);
        requireLimit("maxRelayedConnectionsPerNamespace", maxRelayedConnectionsPerNamespace);
    }

    private static void requireLimit(String field, int value) {
        if (value < 1 || value > MAX_LIMIT) {
            throw new InvalidValueException(field, value + " (expected: 1-" + MAX_LIMIT + ')');
        }
    }
}
