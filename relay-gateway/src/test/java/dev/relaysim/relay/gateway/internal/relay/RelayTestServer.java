package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal relay for loopback tests: accepts WebSockets on {@code /relay/listener} and {@code /relay/sender}
 * (TLS optional), completes the server handshakes with autoRead off, and joins the first listener and sender with
 * {@link RelayPair#join}, as the gateway's rendezvous does.
 */
final class RelayTestServer implements AutoCloseable {

    static final int MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;
    static final int SOCKET_BUFFER_SIZE = 64 * 1024;

    private final boolean tls;
    private final Channel serverChannel;
    private final Map<Channel, EventLoop> acceptedOn = new ConcurrentHashMap<>();
    private final CompletableFuture<Channel> senderLeg = new CompletableFuture<>();
    private final CompletableFuture<Channel> listenerLeg = new CompletableFuture<>();
    private final CompletableFuture<RelayPair> pair = new CompletableFuture<>();

    private RelayTestServer(EventLoopGroup boss, EventLoopGroup workers, SslContext sslContext,
                            RelaySettings settings) throws InterruptedException {
        tls = sslContext != null;
        serverChannel = new ServerBootstrap()
                .group(boss, workers)
                .channel(EventLoops.serverChannelType())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_SIZE)
                .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_SIZE)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        acceptedOn.put(ch, ch.eventLoop());
                        if (sslContext != null) {
                            ch.pipeline().addLast(HandlerNames.TLS, sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(GatewayHandlerNames.HTTP_CODEC, new HttpServerCodec())
                                .addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                                .addLast(HandlerNames.WEBSOCKET_PROTOCOL, new WebSocketServerProtocolHandler(
                                        WebSocketServerProtocolConfig.newBuilder()
                                                .websocketPath("/relay")
                                                .checkStartsWith(true)
                                                .handleCloseFrames(false)
                                                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                                        .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                                                        .allowExtensions(false)
                                                        .build())
                                                .build()))
                                .addLast(GatewayHandlerNames.UPGRADE_ROUTER, new Pairing());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        senderLeg.thenCombine(listenerLeg,
                        (sender, listener) -> RelayPair.join(sender, listener, settings, NoopGatewayMetrics.ENTITY))
                .thenAccept(joined -> joined.addListener(future -> {
                    if (future.isSuccess()) {
                        pair.complete(joined.getNow());
                    } else {
                        pair.completeExceptionally(future.cause());
                    }
                }));
    }

    static RelayTestServer start(EventLoopGroup boss, EventLoopGroup workers, SslContext sslContext,
                                 RelaySettings settings) throws InterruptedException {
        return new RelayTestServer(boss, workers, sslContext, settings);
    }

    URI uri(String role) {
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        return URI.create((tls ? "wss" : "ws") + "://localhost:" + port + "/relay/" + role);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    CompletableFuture<RelayPair> pair() {
        return pair;
    }

    Channel senderChannel() {
        return senderLeg.join();
    }

    Channel listenerChannel() {
        return listenerLeg.join();
    }

    /** The event loop a channel was accepted on, before the pair moved it. */
    EventLoop acceptedOn(Channel channel) {
        return acceptedOn.get(channel);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        for (Channel channel : acceptedOn.keySet()) {
            channel.close().syncUninterruptibly();
        }
    }

    /** Waits for the WebSocket handshake, then hands the channel over to be joined, with autoRead still off. */
    private final class Pairing extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                ctx.pipeline().remove(this);
                if (handshake.requestUri().endsWith("/sender")) {
                    senderLeg.complete(ctx.channel());
                } else {
                    listenerLeg.complete(ctx.channel());
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
