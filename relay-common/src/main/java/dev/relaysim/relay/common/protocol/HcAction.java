package dev.relaysim.relay.common.protocol;

import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The value of {@link HybridConnectionConstants#ACTION}: what a WebSocket request to {@code /$hc/...} asks for.
 */
public enum HcAction {
    /** A listener opens its control channel. */
    LISTEN,
    /** A sender opens a relayed WebSocket (the default on {@code $hc} when the parameter is missing). */
    CONNECT,
    /** A listener completes (or rejects) a rendezvous announced by an {@code accept} command. */
    ACCEPT,
    /** A listener opens the rendezvous of an HTTP request announced by a {@code request} command. */
    REQUEST;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The spelling on the wire: {@code listen}, {@code connect}, {@code accept} or {@code request}. */
    public String wireName() {
        return wireName;
    }

    /** The action spelled {@code s} (ignoring case), or empty when there is none. */
    public static Optional<HcAction> fromWireName(String s) {
        requireNonNull(s, "s");
        for (HcAction action : values()) {
            if (action.wireName.equalsIgnoreCase(s)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
