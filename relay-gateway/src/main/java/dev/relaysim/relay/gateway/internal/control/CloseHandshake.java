package dev.relaysim.relay.gateway.internal.control;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

/** The gateway's side of a WebSocket close handshake a client started. */
public final class CloseHandshake {

    private CloseHandshake() {
    }

    /**
     * Answers a client's close frame with the same status code (an empty close frame when it had none) and closes
     * the connection once the answer is written. The caller still owns {@code close}.
     */
    public static ChannelFuture answer(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        CloseWebSocketFrame reply = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
        return ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }
}
