package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A Netty WebSocket client for loopback tests. Records every message it receives (type, payload, fragment sizes)
 * or, when payloads are not kept, only a running count and CRC-32 of the bytes; close frames are reported, not
 * answered, and {@link #close()} drops the connection without a close frame.
 */
final class TestWebSocketClient implements AutoCloseable {

    record Message(boolean text, byte[] payload, int fragments, int largestFragment) {
    }

    record Close(int code, String reason) {
    }

    private final Channel channel;
    private final Collector collector;

    private TestWebSocketClient(Channel channel, Collector collector) {
        this.channel = channel;
        this.collector = collector;
    }

    /** Connects to {@code address}, completes the handshake for {@code uri} and returns the connected client. */
    static TestWebSocketClient connect(EventLoopGroup group, InetSocketAddress address, URI uri,
                                      SslContext sslContext, boolean keepPayloads) throws Exception {
        Collector collector = new Collector(keepPayloads);
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannelType())
                .option(ChannelOption.SO_SNDBUF, RelayTestServer.SOCKET_BUFFER_SIZE)
                .option(ChannelOption.SO_RCVBUF, RelayTestServer.SOCKET_BUFFER_SIZE)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(8192))
                                .addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri)
                                        .maxFramePayloadLength(RelayTestServer.MAX_FRAME_PAYLOAD)
                                        .handleCloseFrames(false)
                                        .sendCloseFrame(null)
                                        .build()))
                                .addLast(collector);
                    }
                })
                .connect(address).sync().channel();
        collector.handshake.get(10, TimeUnit.SECONDS);
        return new TestWebSocketClient(channel, collector);
    }

    Channel channel() {
        return channel;
    }

    void sendBinary(byte[] payload) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))).syncUninterruptibly();
    }

    void sendText(byte[] utf8) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8))).syncUninterruptibly();
    }

    void sendClose(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).syncUninterruptibly();
    }

    Message nextMessage() throws InterruptedException {
        Message message = collector.messages.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 30 s");
        }
        return message;
    }

    Close nextClose() throws InterruptedException {
        Close close = collector.closes.poll(30, TimeUnit.SECONDS);
        if (close == null) {
            throw new AssertionError("no close frame within 30 s");
        }
        return close;
    }

    long bytesReceived() {
        return collector.bytesReceived.get();
    }

    /** CRC-32 of every payload byte received so far; read it once {@link #bytesReceived()} has settled. */
    long checksum() {
        return channel.eventLoop().submit(collector.crc::getValue).syncUninterruptibly().getNow();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Collector extends SimpleChannelInboundHandler<WebSocketFrame> {

        private final boolean keepPayloads;
        private final CompletableFuture<Void> handshake = new CompletableFuture<>();
        private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        private final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
        private final AtomicLong bytesReceived = new AtomicLong();
        private final CRC32 crc = new CRC32();
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private boolean text;
        private int fragments;
        private int largestFragment;

        Collector(boolean keepPayloads) {
            this.keepPayloads = keepPayloads;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                closes.add(new Close(close.statusCode(), close.reasonText()));
                return;
            }
            ByteBuf content = frame.content();
            int length = content.readableBytes();
            if (fragments == 0) {
                text = frame instanceof TextWebSocketFrame;
            }
            fragments++;
            largestFragment = Math.max(largestFragment, length);
            crc.update(content.nioBuffer());
            if (keepPayloads) {
                byte[] bytes = new byte[length];
                content.getBytes(content.readerIndex(), bytes);
                message.writeBytes(bytes);
            }
            bytesReceived.addAndGet(length);
            if (frame.isFinalFragment()) {
                if (keepPayloads) {
                    messages.add(new Message(text, message.toByteArray(), fragments, largestFragment));
                }
                message.reset();
                fragments = 0;
                largestFragment = 0;
            }
        }
    }
}
