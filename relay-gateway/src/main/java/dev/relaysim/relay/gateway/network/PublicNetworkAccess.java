package dev.relaysim.relay.gateway.network;

import java.util.Arrays;

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
        return Arrays.stream(values()).filter(value -> value.wireName.equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException('"' + text
                        + "\" (expected: Enabled, Disabled or SecuredByPerimeter)"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
