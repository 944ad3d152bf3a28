package dev.relaysim.relay.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Runs bytes, in given pieces, through a frame decoder on an {@link EmbeddedChannel} and describes what came out:
 * each frame (type, FIN, RSV, payload: its bytes, or a CRC-32 of a long one) and the protocol violation that ended
 * decoding, if any. Two decoders agree when their descriptions are equal.
 */
final class FrameDecoding {

    private FrameDecoding() {
    }

    static UnmaskingFrameDecoder ours(boolean expectMasked, int maxPayloadLength) {
        return new UnmaskingFrameDecoder(expectMasked, maxPayloadLength);
    }

    static WebSocket08FrameDecoder netty(boolean expectMasked, int maxPayloadLength) {
        return new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(expectMasked)
                .maxFramePayloadLength(maxPayloadLength).allowExtensions(false).closeOnProtocolViolation(false)
                .build());
    }

    /** What {@code decoder} makes of {@code pieces}, fed one write each; nothing is fed after a violation. */
    static List<String> describe(ChannelHandler decoder, List<byte[]> pieces) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<String> out = new ArrayList<>();
        try {
            for (byte[] piece : pieces) {
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(piece));
                } catch (CorruptedWebSocketFrameException violation) {
                    drain(channel, out);
                    out.add("violation " + violation.closeStatus().code() + ": " + violation.getMessage());
                    return out;
                }
                drain(channel, out);
            }
            return out;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, List<String> out) {
        for (WebSocketFrame frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            ByteBuf content = frame.content();
            byte[] bytes = ByteBufUtil.getBytes(content);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            out.add(frame.getClass().getSimpleName() + " fin=" + frame.isFinalFragment() + " rsv=" + frame.rsv()
                    + " " + bytes.length + " bytes " + (bytes.length <= 64 ? HexFormat.of().formatHex(bytes)
                    : "crc32 " + Long.toHexString(crc.getValue())));
            frame.release();
        }
    }

    /** {@code bytes} cut at the given offsets. */
    static List<byte[]> cut(byte[] bytes, int... offsets) {
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int offset : offsets) {
            pieces.add(Arrays.copyOfRange(bytes, from, offset));
            from = offset;
        }
        pieces.add(Arrays.copyOfRange(bytes, from, bytes.length));
        return pieces;
    }
}
