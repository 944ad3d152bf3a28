package dev.relaysim.relay.gateway.network;

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
        return WireNames.parse(values(), DefaultAction::wireName, text);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
