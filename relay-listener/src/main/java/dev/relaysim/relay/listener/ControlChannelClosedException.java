package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayCloseStatus;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** The relay closed a listener's control channel; reported to {@link ListenerStatusListener#reconnecting}. */
public final class ControlChannelClosedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient RelayCloseStatus status;

    public ControlChannelClosedException(RelayCloseStatus status) {
        super("the control channel closed: " + requireNonNull(status, "status"));
        this.status = status;
    }

    /** The relay's close code and reason ({@link RelayCloseStatus#ABNORMAL} when the socket just ended). */
    public RelayCloseStatus status() {
        return status;
    }
}
