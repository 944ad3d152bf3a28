package dev.relaysim.relay.gateway.network;

import java.util.Arrays;

/** What a network rule set does with public traffic that no IP rule matched. */
public enum DefaultAction {
    ALLOW("Allow"),
    DENY("Deny");

    private final String wireName;

    DefaultAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Case-insensitive, as ARM reads enum values. */
    public static DefaultAction fromWireName(String text) {
        return Arrays.stream(values()).filter(value -> value.wireName.equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException('"' + text + "\" (expected: Allow or Deny)"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
