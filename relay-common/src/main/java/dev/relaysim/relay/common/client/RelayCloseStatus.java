package dev.relaysim.relay.common.client;

import static java.util.Objects.requireNonNull;

/**
 * The close code and reason a peer sent, or {@link #ABNORMAL} (1006) when the connection ended
 * without a close frame.
 */
public record RelayCloseStatus(int code, String reason) {

    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the endpoint is going away (listener closing, gateway shutting down). */
    public static final int GOING_AWAY = 1001;
    /** 1005: the peer's close frame carried no code (never sent on the wire). */
    public static final int NO_STATUS = 1005;
    /** 1006: the connection ended without a close frame (never sent on the wire). */
    public static final int ABNORMAL = 1006;
    /** 1009: a message was larger than allowed. */
    public static final int MESSAGE_TOO_BIG = 1009;

    public RelayCloseStatus {
        if (code < 0 || code > 4999) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-4999)");
        }
        requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
    }
}
