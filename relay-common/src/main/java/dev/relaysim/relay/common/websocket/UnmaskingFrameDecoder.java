package dev.relaysim.relay.common.websocket;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.BINARY;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.CLOSE;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.CONTINUATION;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.PING;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.PONG;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.TEXT;
import static dev.relaysim.relay.common.websocket.WebSocketOpcodes.isControl;

/**
 * Decodes RFC 6455 frames into Netty's {@link WebSocketFrame}s like Netty's {@code WebSocket08FrameDecoder} with
 * extensions off and {@code closeOnProtocolViolation} off (the same checks, in the same order, with the same close
 * codes and reasons), but copies each payload out of the read buffers once, unmasking it on the way
 * ({@link FrameMasking}), instead of gathering the frame in a cumulation buffer, copying it out and unmasking it there
 * with checked accessors. For the gateway, which unmasks every byte it relays, that was most of its work per byte;
 * clients, whose frames arrive unmasked, save a copy.
 * <p>
 * A frame that breaks the protocol ends decoding: the rest of the input is discarded and a
 * {@link CorruptedWebSocketFrameException} with the close code (1002, 1007 or 1009) goes down the pipeline, which
 * answers it; no close frame is written here. After a close frame everything is discarded.
 * <p>
 * A payload buffer is allocated when its header is complete, at most {@value #INITIAL_PAYLOAD_CAPACITY} bytes up
 * front and grown as the bytes arrive, so that a header announcing a large frame pins no more memory than a read.
 */
public final class UnmaskingFrameDecoder extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {

    /** Most bytes allocated for a payload before its bytes arrive. */
    private static final int INITIAL_PAYLOAD_CAPACITY = 64 * 1024;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int MAX_HEADER = 14;

    private enum State { HEADER, PAYLOAD, DISCARDING }

    private final boolean expectMasked;
    private final int maxPayloadLength;

    private State state = State.HEADER;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerBytes;
    private boolean finalFragment;
    private int rsv;
    private int opcode;
    private boolean masked;
    private int maskingKey;
    private int payloadLength;
    private ByteBuf payload;
    /** Non-final data frames since the last final one: 0 outside a fragmented message. */
    private int fragmentedFrames;
    /** Whether the last read produced a frame (see {@link #channelReadComplete}). */
    private boolean producedFrame;

    /**
     * @param expectMasked     whether frames must be masked (a server reading a client) or must not be (a client)
     * @param maxPayloadLength the largest frame payload accepted; a larger one is 1009
     */
    public UnmaskingFrameDecoder(boolean expectMasked, int maxPayloadLength) {
        if (maxPayloadLength < 0) {
            throw new IllegalArgumentException("maxPayloadLength: " + maxPayloadLength + " (expected: >= 0)");
        }
        this.expectMasked = expectMasked;
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * Puts an {@code UnmaskingFrameDecoder} named {@link HandlerNames#FRAME_DECODER} in place of the pipeline's
     * WebSocket frame decoder (Netty's, which a handshaker added), if it has one that is not already this kind. Call it
     * only while that decoder holds no bytes: when the server handshake completes, before the client sent a frame.
     */
    public static void replaceFrameDecoder(ChannelPipeline pipeline, boolean expectMasked, int maxPayloadLength) {
        WebSocketFrameDecoder current = pipeline.get(WebSocketFrameDecoder.class);
        if (current != null && !(current instanceof UnmaskingFrameDecoder)) {
            pipeline.replace(current, HandlerNames.FRAME_DECODER,
                    new UnmaskingFrameDecoder(expectMasked, maxPayloadLength));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable() && ctx.channel().isOpen()) {
                switch (state) {
                    case HEADER -> readHeader(ctx, in);
                    case PAYLOAD -> readPayload(ctx, in);
                    case DISCARDING -> in.skipBytes(in.readableBytes());
                }
            }
        } finally {
            in.release();
        }
    }

    private void readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        if (headerBytes < 2) {
            while (headerBytes < 2) {
                if (!in.isReadable()) {
                    return;
                }
                header[headerBytes++] = in.readByte();
            }
            if (!firstTwoBytesValid(ctx)) {
                return;
            }
        }
        int lengthBytes = switch (header[1] & 0x7F) {
            case 126 -> 2;
            case 127 -> 8;
            default -> 0;
        };
        int complete = 2 + lengthBytes + (masked ? 4 : 0);
        int wanted = Math.min(complete - headerBytes, in.readableBytes());
        in.readBytes(header, headerBytes, wanted);
        headerBytes += wanted;
        if (headerBytes < complete) {
            return;
        }
        if (!lengthValid(ctx, lengthBytes)) {
            return;
        }
        if (masked) {
            int at = 2 + lengthBytes;
            maskingKey = (header[at] & 0xFF) << 24 | (header[at + 1] & 0xFF) << 16 | (header[at + 2] & 0xFF) << 8
                    | header[at + 3] & 0xFF;
        }
        headerBytes = 0;
        payload = payloadLength == 0 ? Unpooled.EMPTY_BUFFER
                : ctx.alloc().directBuffer(Math.min(payloadLength, INITIAL_PAYLOAD_CAPACITY), payloadLength);
        state = State.PAYLOAD;
        if (payloadLength == 0) {
            frameComplete(ctx);
        }
    }

    /** The checks Netty's decoder makes on the first two bytes, in its order. */
    private boolean firstTwoBytesValid(ChannelHandlerContext ctx) {
        finalFragment = (header[0] & 0x80) != 0;
        rsv = (header[0] & 0x70) >> 4;
        opcode = header[0] & 0x0F;
        masked = (header[1] & 0x80) != 0;
        int length1 = header[1] & 0x7F;
        if (rsv != 0) {
            return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                    "RSV != 0 and no extension negotiated, RSV:" + rsv);
        }
        if (masked != expectMasked) {
            return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                    "received a frame that is not masked as expected");
        }
        if (isControl(opcode)) {
            if (!finalFragment) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "fragmented control frame");
            }
            if (length1 > MAX_CONTROL_PAYLOAD) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "control frame with payload length > 125 octets");
            }
            if (opcode != CLOSE && opcode != PING && opcode != PONG) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "control frame using reserved opcode " + opcode);
            }
            if (opcode == CLOSE && length1 == 1) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "received close control frame with payload len 1");
            }
        } else {
            if (opcode != CONTINUATION && opcode != TEXT && opcode != BINARY) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "data frame using reserved opcode " + opcode);
            }
            if (fragmentedFrames == 0 && opcode == CONTINUATION) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "received continuation data frame outside fragmented message");
            }
            if (fragmentedFrames != 0 && opcode != CONTINUATION) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "received non-continuation data frame while inside fragmented message");
            }
        }
        return true;
    }

    private boolean lengthValid(ChannelHandlerContext ctx, int lengthBytes) {
        long length;
        if (lengthBytes == 2) {
            length = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
            if (length < 126) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "invalid data frame length (not using minimal length encoding)");
            }
        } else if (lengthBytes == 8) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = length << 8 | header[i] & 0xFF;
            }
            if (length < 0) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "invalid data frame length (negative length)");
            }
            if (length < 65536) {
                return violation(ctx, WebSocketCloseStatus.PROTOCOL_ERROR,
                        "invalid data frame length (not using minimal length encoding)");
            }
        } else {
            length = header[1] & 0x7F;
        }
        if (length > maxPayloadLength) {
            return violation(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "Max frame length of " + maxPayloadLength + " has been exceeded.");
        }
        payloadLength = (int) length;
        return true;
    }

    private void readPayload(ChannelHandlerContext ctx, ByteBuf in) {
        int received = payload.writerIndex();
        int chunk = Math.min(payloadLength - received, in.readableBytes());
        payload.ensureWritable(chunk);
        if (masked) {
            FrameMasking.xorCopy(in, in.readerIndex(), payload, received, chunk, maskingKey, received);
            payload.writerIndex(received + chunk);
        } else {
            payload.writeBytes(in, in.readerIndex(), chunk);
        }
        in.skipBytes(chunk);
        if (payload.writerIndex() == payloadLength) {
            frameComplete(ctx);
        }
    }

    private void frameComplete(ChannelHandlerContext ctx) {
        ByteBuf content = payload;
        payload = null;
        state = State.HEADER;
        WebSocketFrame frame;
        switch (opcode) {
            case PING -> frame = new PingWebSocketFrame(true, rsv, content);
            case PONG -> frame = new PongWebSocketFrame(true, rsv, content);
            case CLOSE -> {
                CorruptedWebSocketFrameException problem = closeBodyProblem(content);
                if (problem != null) {
                    content.release();
                    violation(ctx, problem);
                    return;
                }
                // Nothing after a close frame is read (RFC 6455, 5.5.1).
                state = State.DISCARDING;
                frame = new CloseWebSocketFrame(true, rsv, content);
            }
            default -> {
                fragmentedFrames = finalFragment ? 0 : fragmentedFrames + 1;
                frame = switch (opcode) {
                    case TEXT -> new TextWebSocketFrame(finalFragment, rsv, content);
                    case BINARY -> new BinaryWebSocketFrame(finalFragment, rsv, content);
                    default -> new ContinuationWebSocketFrame(finalFragment, rsv, content);
                };
            }
        }
        producedFrame = true;
        ctx.fireChannelRead(frame);
    }

    /** What is wrong with a close frame's body (a status code Netty's decoder refuses, a reason not UTF-8), or null. */
    private static CorruptedWebSocketFrameException closeBodyProblem(ByteBuf body) {
        if (!body.isReadable()) {
            return null;
        }
        int statusCode = body.getShort(body.readerIndex());
        if (!WebSocketCloseStatus.isValidStatusCode(statusCode)) {
            return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "Invalid close frame getStatus code: " + statusCode);
        }
        if (body.readableBytes() > 2) {
            // Like Netty's validator, refuse bytes that cannot be UTF-8 but let a reason end inside a character.
            ByteBuffer reason = body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2);
            CharBuffer text = CharBuffer.allocate(reason.remaining());
            CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(reason, text, false);
            if (result.isError()) {
                return new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                        "bytes are not UTF-8");
            }
        }
        return null;
    }

    /** Stops decoding for good and sends the violation down the pipeline; returns false for the caller to stop. */
    private boolean violation(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        return violation(ctx, new CorruptedWebSocketFrameException(status, reason));
    }

    private boolean violation(ChannelHandlerContext ctx, CorruptedWebSocketFrameException problem) {
        state = State.DISCARDING;
        releasePayload();
        ctx.fireExceptionCaught(problem);
        return false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // As Netty's decoders do: a read that completed no frame asks for another even when auto-read is off, or a
        // handler that turned it off to take one frame at a time would wait forever for the rest of one.
        if (!producedFrame && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        producedFrame = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePayload();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePayload();
    }

    private void releasePayload() {
        if (payload != null) {
            ReferenceCountUtil.release(payload);
            payload = null;
        }
    }
}
