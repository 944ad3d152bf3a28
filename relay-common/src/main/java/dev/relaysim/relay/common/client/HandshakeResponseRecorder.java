package dev.relaysim.relay.common.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;

import java.nio.charset.StandardCharsets;

/**
 * Sits between the HTTP aggregator and Netty's WebSocket handshake handler and remembers the
 * body of a refused upgrade response in {@link #REFUSAL_BODY}, because Netty's
 * {@code WebSocketClientHandshakeException} keeps only the status line and headers. Passes the
 * response on unchanged and removes itself.
 */
final class HandshakeResponseRecorder extends ChannelInboundHandlerAdapter {

    /** The refused upgrade's response body as UTF-8 text, at most {@link #MAX_BODY} bytes of it. */
    static final AttributeKey<String> REFUSAL_BODY =
            AttributeKey.valueOf(HandshakeResponseRecorder.class, "refusalBody");
    static final int MAX_BODY = 4096;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpResponse response) {
            if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                int length = Math.min(response.content().readableBytes(), MAX_BODY);
                String body = response.content()
                        .toString(response.content().readerIndex(), length, StandardCharsets.UTF_8);
                ctx.channel().attr(REFUSAL_BODY).set(body);
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
