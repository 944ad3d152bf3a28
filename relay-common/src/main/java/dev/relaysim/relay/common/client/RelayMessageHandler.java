package dev.relaysim.relay.common.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Receives a {@link RelayConnection}'s messages as they arrive, instead of
 * {@link RelayConnection#receive(java.time.Duration)}. Both methods run on the connection's event
 * loop: return quickly and never block (sending is fine, it does not block).
 */
public interface RelayMessageHandler {

    /** One whole message from the peer. */
    void onMessage(RelayMessage message);

    /**
     * One whole message from the peer, read in place: {@code content} is the buffer it was received in, lent for
     * this call only (released when it returns; {@link ByteBuf#retain() retain} it to keep it, for example to send
     * it on with {@link RelayConnection#send(ByteBuf)}). Messages that were queued before the handler was set come
     * through {@link #onMessage(RelayMessage)} instead. The default copies {@code content} into a
     * {@link RelayMessage} for {@link #onMessage(RelayMessage)}; a handler that can read a buffer overrides this
     * and saves that copy of every message.
     */
    default void onMessage(boolean text, ByteBuf content) {
        onMessage(RelayMessage.wrap(text, ByteBufUtil.getBytes(content)));
    }

    /**
     * The connection has ended, called once after the last {@link #onMessage}. {@code code} and
     * {@code reason} are the peer's ({@link RelayCloseStatus#ABNORMAL} when it sent no close frame).
     */
    default void onClose(int code, String reason) {
    }
}
