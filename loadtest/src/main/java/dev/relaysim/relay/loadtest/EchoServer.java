package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.common.websocket.UnmaskingFrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The baselines' echo endpoint: a Netty WebSocket server on 127.0.0.1 (port 0) that sends every data frame back
 * as it came (type, fragmentation), writing during a read and flushing once per read, and answers close frames.
 * Any path is accepted. It stops reading while its socket is not writable.
 */
final class EchoServer implements AutoCloseable {

    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final int MAX_UPGRADE_REQUEST = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final boolean tls;

    /**
     * Starts the server.
     *
     * @param sslContext server TLS, or {@code null} for plain ws
     * @param threads    event loop threads
     */
    EchoServer(SslContext sslContext, int threads) throws InterruptedException {
        group = EventLoops.newGroup("bench-echo", threads);
        tls = sslContext != null;
        WebSocketServerProtocolConfig protocol = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/").checkStartsWith(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_FRAME).build())
                .build();
        try {
            serverChannel = new ServerBootstrap().group(group).channel(EventLoops.serverChannelType())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            ChannelPipeline pipeline = channel.pipeline();
                            if (sslContext != null) {
                                pipeline.addLast(sslContext.newHandler(channel.alloc()));
                            }
                            pipeline.addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_UPGRADE_REQUEST),
                                    new WebSocketServerProtocolHandler(protocol), new EchoHandler());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** {@code ws[s]://127.0.0.1:<port>/echo}. */
    URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port() + "/echo");
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * Writes data frames back; Netty's protocol handler answers pings and close frames. Once the upgrade is done
     * frames are decoded by the gateway's decoder ({@link UnmaskingFrameDecoder}), so that the baselines' endpoint
     * unmasks as fast as the relay does.
     */
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                UnmaskingFrameDecoder.replaceFrameDecoder(ctx.pipeline(), true, MAX_FRAME);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame && !(msg instanceof CloseWebSocketFrame)) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
