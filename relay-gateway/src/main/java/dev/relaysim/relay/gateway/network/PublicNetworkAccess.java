package dev.relaysim.relay.gateway.network;

/** A namespace's {@code publicNetworkAccess}; {@code SecuredByPerimeter} is treated as {@code Disabled} here. */
public enum PublicNetworkAccess {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    SECURED_BY_PERIMETER("SecuredByPerimeter");

    private final String wireName;

    PublicNetworkAccess(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether public traffic may enter at all (only {@code Enabled}). */
    public boolean admitsPublicTraffic() {
        return this == ENABLED;
    }

    /** Case-insensitive, as ARM reads enum values. */
    public static PublicNetworkAccess fromWireName(String text) {
        return WireNames.parse(values(), PublicNetworkAccess::wireName, text);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
