package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.websocket.FrameMasking;
import dev.relaysim.relay.common.websocket.WebSocketOpcodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's frame encoder, in place of Netty's {@code WebSocket08FrameEncoder}: the same frames (FIN, RSV,
 * opcode, minimal length encoding, a random mask per frame as RFC 6455 requires of clients, control frames of
 * at most 125 bytes), written differently. Netty masks long by long from the payload into the output buffer,
 * each write checking the buffer's capacity; this encoder masks the payload into a direct frame buffer in one pass
 * through memory addresses ({@link FrameMasking}), a fraction of the time for large messages, the client's main
 * cost when it sends them.
 */
final class MaskingFrameEncoder extends MessageToMessageEncoder<WebSocketFrame> implements WebSocketFrameEncoder {

    private static final int MAX_CONTROL_PAYLOAD = 125;

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        ByteBuf data = frame.content();
        int length = data.readableBytes();
        int opcode = opcode(frame);
        if (WebSocketOpcodes.isControl(opcode) && length > MAX_CONTROL_PAYLOAD) {
            throw new TooLongFrameException("invalid payload for " + frame.getClass().getSimpleName()
                    + " (payload length must be <= " + MAX_CONTROL_PAYLOAD + ")");
        }
        int lengthBytes = length <= MAX_CONTROL_PAYLOAD ? 0 : length <= 0xFFFF ? 2 : 8;
        ByteBuf buf = ctx.alloc().directBuffer(2 + lengthBytes + 4 + length);
        try {
            buf.writeByte((frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() << 4 & 0x70) | opcode);
            if (lengthBytes == 0) {
                buf.writeByte(0x80 | length);
            } else if (lengthBytes == 2) {
                buf.writeByte(0x80 | 126).writeShort(length);
            } else {
                buf.writeByte(0x80 | 127).writeLong(length);
            }
            int mask = ThreadLocalRandom.current().nextInt();
            buf.writeInt(mask);
            int start = buf.writerIndex();
            FrameMasking.xorCopy(data, data.readerIndex(), buf, start, length, mask, 0);
            buf.writerIndex(start + length);
            out.add(buf);
            buf = null;
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
    }

    private static int opcode(WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
            return WebSocketOpcodes.BINARY;
        }
        if (frame instanceof TextWebSocketFrame) {
            return WebSocketOpcodes.TEXT;
        }
        if (frame instanceof ContinuationWebSocketFrame) {
            return WebSocketOpcodes.CONTINUATION;
        }
        if (frame instanceof CloseWebSocketFrame) {
            return WebSocketOpcodes.CLOSE;
        }
        if (frame instanceof PingWebSocketFrame) {
            return WebSocketOpcodes.PING;
        }
        if (frame instanceof PongWebSocketFrame) {
            return WebSocketOpcodes.PONG;
        }
        throw new UnsupportedOperationException("cannot encode frame of type " + frame.getClass().getName());
    }
}
