package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a final response the way HTTP servers do (nginx's "lingering close"): once the response
 * is written, half-close, then read on and discard until the client closes its side, at most {@link #LINGER}. A
 * client that was still sending its request (a refused oversized head or body) would otherwise have unread bytes in
 * the gateway's socket when it closes; the kernel then resets the connection and the client can lose the response.
 */
final class LingeringClose implements ChannelFutureListener {

    /** Longest a refused connection is kept reading after its response. */
    static final Duration LINGER = Duration.ofSeconds(2);

    static final LingeringClose AFTER_WRITE = new LingeringClose();

    private LingeringClose() {
    }

    @Override
    public void operationComplete(ChannelFuture written) {
        Channel channel = written.channel();
        if (!written.isSuccess() || !channel.isActive() || !(channel instanceof DuplexChannel duplex)
                || duplex.isInputShutdown()) {
            channel.close();
            return;
        }
        if (channel.pipeline().get(GatewayHandlerNames.LINGERING_CLOSE) != null) {
            return;
        }
        channel.pipeline().addFirst(GatewayHandlerNames.LINGERING_CLOSE, new Discard());
        ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(),
                TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
        channel.config().setAutoRead(true);
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                channel.close();
            }
        });
    }

    /** First in the pipeline while lingering: drops whatever arrives, closes when the client has closed. */
    private static final class Discard extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Nothing read is passed on.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ReferenceCountUtil.release(evt);
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
