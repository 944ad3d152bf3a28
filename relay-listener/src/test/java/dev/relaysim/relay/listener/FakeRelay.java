package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the relay that a test drives by hand: it upgrades any {@code /$hc/...} request
 * (offering subprotocol {@code chat.v1}), hands the first {@code sb-hc-action=listen} channel to the
 * test, records the request URIs and control-channel text it receives, greets accepted rendezvous
 * connections with {@code "hello from the sender"}, and answers rejections (URIs with
 * {@code sb-hc-statusCode}) with 410.
 */
final class FakeRelay implements AutoCloseable {

    /** The control channel, once the listener has connected. */
    final CompletableFuture<Channel> control = new CompletableFuture<>();
    /** Upgrade request headers of the control channel. */
    final CompletableFuture<HttpHeaders> controlHeaders = new CompletableFuture<>();
    /** Every request URI, in order. */
    final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    /** Text messages received on the control channel. */
    final BlockingQueue<String> controlMessages = new LinkedBlockingQueue<>();
    /** Subprotocols chosen on rendezvous connections ("" for none). */
    final BlockingQueue<String> rendezvousSubprotocols = new LinkedBlockingQueue<>();

    private final EventLoopGroup group = EventLoops.newGroup("fake-relay", 1);
    private final Channel server;

    FakeRelay() {
        server = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannelType())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Router(),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/$hc")
                                        .checkStartsWith(true)
                                        .subprotocols("chat.v1")
                                        .build()),
                                new Frames());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records each upgrade request; answers rejections with 410 and lets the rest upgrade. */
    private final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {

        Router() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.add(request.uri());
            if (request.uri().contains("sb-hc-statusCode=")) {
                request.release();
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.GONE))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (request.uri().contains("sb-hc-action=listen")) {
                controlHeaders.complete(request.headers().copy());
            }
            ctx.fireChannelRead(request);
        }
    }

    private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                if (handshake.requestUri().contains("sb-hc-action=listen")) {
                    control.complete(ctx.channel());
                } else {
                    String subprotocol = handshake.selectedSubprotocol();
                    rendezvousSubprotocols.add(subprotocol == null ? "" : subprotocol);
                    ctx.writeAndFlush(new TextWebSocketFrame("hello from the sender"));
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text && control.getNow(null) == ctx.channel()) {
                controlMessages.add(text.text());
            }
        }
    }
}
