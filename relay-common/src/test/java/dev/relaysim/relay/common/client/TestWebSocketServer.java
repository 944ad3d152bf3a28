package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server on loopback for client tests. It echoes text and binary messages and
 * answers close frames with the same code, and obeys text commands:
 * {@code close:<code>:<reason>} (sends that close frame), {@code fragments} (sends "abcdef" as three
 * frames), {@code burst:<n>} (sends n text messages), {@code big:<n>} (sends n binary bytes),
 * {@code then-close} (on the next close frame, first sends "late" and only then answers).
 * An upgrade request whose query has {@code refuse=<code>} is answered with that status, reason
 * phrase {@code Refused by test} and body {@code {"error":"refused"}}.
 */
final class TestWebSocketServer implements AutoCloseable {

    static final String SUBPROTOCOLS = "chat.v1,chat.v2";
    static final int MAX_MESSAGE = 32 * 1024 * 1024;

    /** Close frames the server received, as "code reason". */
    final BlockingQueue<String> receivedCloses = new LinkedBlockingQueue<>();
    /** SNI host names the server saw, "" when none. */
    final BlockingQueue<String> serverNames = new LinkedBlockingQueue<>();
    /** Request headers of upgrade requests, one map per request. */
    final BlockingQueue<HttpHeaders> requestHeaders = new LinkedBlockingQueue<>();

    private final EventLoopGroup group;
    private final Channel serverChannel;

    TestWebSocketServer(SslContext sslContext) {
        group = EventLoops.newGroup("test-ws-server", 1);
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannelType())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (sslContext != null) {
                            SslHandler ssl = sslContext.newHandler(ch.alloc());
                            ssl.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    List<SNIServerName> names = ((ExtendedSSLSession) ssl.engine().getSession())
                                            .getRequestedServerNames();
                                    serverNames.add(names.isEmpty()
                                            ? "" : new String(names.get(0).getEncoded(), StandardCharsets.US_ASCII));
                                }
                            });
                            p.addLast(ssl);
                        }
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(64 * 1024));
                        p.addLast(new Refuser());
                        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/")
                                .checkStartsWith(true)
                                .subprotocols(SUBPROTOCOLS)
                                .allowExtensions(false)
                                .maxFramePayloadLength(MAX_MESSAGE)
                                .handleCloseFrames(false)
                                .build()));
                        p.addLast(new WebSocketFrameAggregator(MAX_MESSAGE));
                        p.addLast(new Behaviour());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Refuser extends SimpleChannelInboundHandler<FullHttpRequest> {

        Refuser() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requestHeaders.add(request.headers().copy());
            List<String> refuse = new QueryStringDecoder(request.uri()).parameters().get("refuse");
            if (refuse == null) {
                ctx.fireChannelRead(request);
                return;
            }
            request.release();
            ByteBuf body = Unpooled.copiedBuffer("{\"error\":\"refused\"}", StandardCharsets.UTF_8);
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(Integer.parseInt(refuse.get(0)), "Refused by test"), body);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Behaviour extends SimpleChannelInboundHandler<WebSocketFrame> {

        private boolean lateMessageBeforeClose;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                receivedCloses.add(close.statusCode() + " " + close.reasonText());
                if (lateMessageBeforeClose) {
                    ctx.writeAndFlush(new TextWebSocketFrame("late"));
                }
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
                        .addListener(ChannelFutureListener.CLOSE);
            } else if (frame instanceof TextWebSocketFrame text) {
                command(ctx, text.text());
            } else if (frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
            }
        }

        private void command(ChannelHandlerContext ctx, String text) {
            if (text.startsWith("close:")) {
                String[] parts = text.split(":", 3);
                ctx.writeAndFlush(new CloseWebSocketFrame(Integer.parseInt(parts[1]), parts[2]));
            } else if (text.equals("fragments")) {
                ctx.write(new TextWebSocketFrame(false, 0, "ab"));
                ctx.write(new ContinuationWebSocketFrame(false, 0, "cd"));
                ctx.writeAndFlush(new ContinuationWebSocketFrame(true, 0, "ef"));
            } else if (text.startsWith("burst:")) {
                int n = Integer.parseInt(text.substring("burst:".length()));
                for (int i = 0; i < n; i++) {
                    ctx.write(new TextWebSocketFrame("m" + i));
                }
                ctx.flush();
            } else if (text.startsWith("big:")) {
                int n = Integer.parseInt(text.substring("big:".length()));
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[n])));
            } else if (text.equals("then-close")) {
                lateMessageBeforeClose = true;
            } else {
                ctx.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text)));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
