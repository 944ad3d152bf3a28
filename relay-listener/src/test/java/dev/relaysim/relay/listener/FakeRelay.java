package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the relay that a test drives by hand: it upgrades any {@code /$hc/...} request
 * (offering subprotocol {@code chat.v1}), hands the first {@code sb-hc-action=listen} channel to the
 * test, records the request URIs and control-channel text it receives, greets accepted rendezvous
 * connections with {@code "hello from the sender"}, and answers rejections (URIs with
 * {@code sb-hc-statusCode}) with 410. Request rendezvous ({@code sb-hc-action=request}) are handed to
 * the test ungreeted. Every frame on the control channel and on request rendezvous is recorded as a
 * {@link Frame}; close frames are answered with the same code.
 */
final class FakeRelay implements AutoCloseable {

    /** The key of rule {@code owner} that {@link #listenerBuilder()}'s tokens are signed with. */
    static final String KEY = "ZmFrZS1yZWxheS1rZXktZm9yLXRlc3RzLW9ubHktLQ==";

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
    /** Every frame received on the control channel. */
    final BlockingQueue<Frame> controlFrames = new LinkedBlockingQueue<>();
    /** Request rendezvous channels ({@code sb-hc-action=request}), once upgraded. */
    final BlockingQueue<Channel> requestRendezvous = new LinkedBlockingQueue<>();
    /** Every frame received on request rendezvous. */
    final BlockingQueue<Frame> rendezvousFrames = new LinkedBlockingQueue<>();

    /**
     * A received frame: {@code text}, {@code binary}, {@code continuation} or {@code close} (then {@code closeCode}).
     */
    record Frame(String type, boolean fin, byte[] data, int closeCode) {

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final Set<Channel> requestChannels = ConcurrentHashMap.newKeySet();
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
                                        .handleCloseFrames(false)
                                        .build()),
                                new Frames());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A listener for hybrid connection {@code hc/one} of this relay, signing its tokens with {@link #KEY}. */
    HybridConnectionListener.Builder listenerBuilder() {
        return HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + port() + "/"), "hc/one",
                        (audience, validFor) -> SharedAccessSignature.createToken(audience, "owner", KEY,
                                Instant.now().plus(validFor)));
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
                } else if (handshake.requestUri().contains("sb-hc-action=request")) {
                    requestChannels.add(ctx.channel());
                    requestRendezvous.add(ctx.channel());
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
            boolean onControl = control.getNow(null) == ctx.channel();
            if (frame instanceof CloseWebSocketFrame close) {
                record(ctx, onControl, new Frame("close", true, new byte[0], close.statusCode()));
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (frame instanceof TextWebSocketFrame text && onControl) {
                controlMessages.add(text.text());
            }
            String type = frame instanceof TextWebSocketFrame ? "text"
                    : frame instanceof BinaryWebSocketFrame ? "binary"
                    : frame instanceof ContinuationWebSocketFrame ? "continuation" : null;
            if (type != null) {
                record(ctx, onControl,
                        new Frame(type, frame.isFinalFragment(), ByteBufUtil.getBytes(frame.content()), -1));
            }
        }

        private void record(ChannelHandlerContext ctx, boolean onControl, Frame frame) {
            if (onControl) {
                controlFrames.add(frame);
            } else if (requestChannels.contains(ctx.channel())) {
                rendezvousFrames.add(frame);
            }
        }
    }
}
