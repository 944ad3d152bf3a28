package dev.relaysim.relay.common.client;

/**
 * Receives a {@link RelayConnection}'s messages as they arrive, instead of
 * {@link RelayConnection#receive(java.time.Duration)}. Both methods run on the connection's event
 * loop: return quickly and never block (sending is fine, it does not block).
 */
public interface RelayMessageHandler {

    /** One whole message from the peer. */
    void onMessage(RelayMessage message);

    /**
     * The connection has ended, called once after the last {@link #onMessage}. {@code code} and
     * {@code reason} are the peer's ({@link RelayCloseStatus#ABNORMAL} when it sent no close frame).
     */
    default void onClose(int code, String reason) {
    }
}
