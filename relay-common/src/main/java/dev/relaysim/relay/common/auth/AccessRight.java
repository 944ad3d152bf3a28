package dev.relaysim.relay.common.auth;

import static java.util.Objects.requireNonNull;

/**
 * A right granted by an authorization rule. Listen covers {@code listen} and {@code accept}; Send covers
 * {@code connect} and HTTP requests; Manage implies both.
 */
public enum AccessRight {
    LISTEN("Listen"),
    SEND("Send"),
    MANAGE("Manage");

    private final String wireName;

    AccessRight(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling in configuration and in the service's API: {@code Listen}, {@code Send}, {@code Manage}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The right spelled {@code s}, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the expected ones
     */
    public static AccessRight fromWireName(String s) {
        requireNonNull(s, "s");
        for (AccessRight right : values()) {
            if (right.wireName.equalsIgnoreCase(s)) {
                return right;
            }
        }
        throw new IllegalArgumentException("access right: '" + s + "' (expected: Listen, Send or Manage)");
    }
}
