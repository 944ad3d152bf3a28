package dev.relaysim.relay.gateway.network;

/**
 * The {@code privateLinkServiceConnectionState.status} of a private endpoint connection. Only {@code Approved}
 * endpoints carry traffic; the namespace owner moves a connection between the states (Remove gives
 * {@code Disconnected}).
 */
public enum ConnectionStatus {
    PENDING("Pending"),
    APPROVED("Approved"),
    REJECTED("Rejected"),
    DISCONNECTED("Disconnected");

    private final String wireName;

    ConnectionStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Case-insensitive, as ARM reads enum values. */
    public static ConnectionStatus fromWireName(String text) {
        return WireNames.parse(values(), ConnectionStatus::wireName, text);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
