package dev.relaysim.relay.gateway.internal.cluster;

import org.jspecify.annotations.Nullable;

import java.io.Serializable;

import static java.util.Objects.requireNonNull;

/**
 * A piece of a listener's answer on its control channel, on its way from the listener's node to the sender's.
 *
 * @param kind what it is
 * @param text the {@code response} command (JSON) of a {@link Kind#HEAD}, the reason of an {@link Kind#ABORT}
 * @param body the bytes of a {@link Kind#BODY}
 * @param last whether the response ends with this {@link Kind#HEAD} (it has no body) or {@link Kind#BODY}
 */
record ResponsePart(Kind kind, @Nullable String text, byte @Nullable [] body, boolean last) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What a part carries. */
    enum Kind {
        /** The {@code response} command. */
        HEAD,
        /** A piece of the body. */
        BODY,
        /** The control channel closed during the body. */
        ABORT,
        /** The control channel closed before any response. */
        GONE
    }

    ResponsePart {
        requireNonNull(kind, "kind");
    }

    /** Whether nothing follows it. */
    boolean ends() {
        return last || kind == Kind.ABORT || kind == Kind.GONE;
    }
}
