package dev.relaysim.relay.gateway.internal.dns;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.channel.ErrorHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Serves a {@link DnsAnswerer} over UDP and TCP on the same port. UDP answers are truncated (TC set) beyond 512
 * bytes, or beyond {@value DnsAnswerer#EDNS_PAYLOAD} with EDNS. Pipelines:
 * <pre>
 * UDP:  DNS (UdpHandler: one answer datagram per query datagram, to its sender)
 *       -> ERROR_HANDLER (ErrorHandler)
 * TCP:  IDLE_TIMEOUT (IdleStateHandler: closed after {@value #TCP_IDLE_SECONDS} s without reads or writes)
 *       -> DNS_FRAME_DECODER (LengthFieldBasedFrameDecoder: two-byte length prefix)
 *       -> DNS_FRAME_ENCODER (LengthFieldPrepender: two-byte length prefix)
 *       -> DNS (TcpHandler: one answer per query; a dropped query closes the connection)
 *       -> ERROR_HANDLER (ErrorHandler)
 * </pre>
 */
public final class DnsServer {

    /** How long a TCP connection may stay idle. */
    public static final int TCP_IDLE_SECONDS = 10;
    private static final int PLAIN_UDP_PAYLOAD = 512;
    private static final int MAX_TCP_MESSAGE = 65535;
    /** Attempts to find an ephemeral port free for both UDP and TCP. */
    private static final int EPHEMERAL_ATTEMPTS = 10;
    private static final Logger logger = LoggerFactory.getLogger(DnsServer.class);

    private final DnsAnswerer answerer;
    private final GatewayMetrics metrics;
    private final ChannelGroup channels;

    /**
     * @param channels where every channel goes, so that the gateway closes them
     */
    public DnsServer(DnsAnswerer answerer, GatewayMetrics metrics, ChannelGroup channels) {
        this.answerer = requireNonNull(answerer, "answerer");
        this.metrics = requireNonNull(metrics, "metrics");
        this.channels = requireNonNull(channels, "channels");
    }

    /**
     * Binds UDP and TCP on {@code bindAddress:port}; port 0 picks one free for both.
     *
     * @return the UDP and TCP server channels, in this order, both in {@link #channels}
     * @throws IOException if the port cannot be bound (the message names address and port)
     */
    public Channel[] bind(EventLoopGroup group, String bindAddress, int port) throws IOException {
        requireNonNull(group, "group");
        requireNonNull(bindAddress, "bindAddress");
        for (int attempt = 1; ; attempt++) {
            Channel udp = bindUdp(group, bindAddress, port);
            int bound = ((InetSocketAddress) udp.localAddress()).getPort();
            ChannelFuture tcp = new ServerBootstrap()
                    .group(group)
                    .channel(EventLoops.serverChannelType())
                    .childHandler(new TcpInitializer())
                    .bind(bindAddress, bound).awaitUninterruptibly();
            if (tcp.isSuccess()) {
                channels.add(tcp.channel());
                return new Channel[] {udp, tcp.channel()};
            }
            udp.close().awaitUninterruptibly();
            if (port != 0 || attempt == EPHEMERAL_ATTEMPTS) {
                throw failure("DNS responder (TCP) " + bindAddress + ':' + bound, tcp.cause());
            }
        }
    }

    private Channel bindUdp(EventLoopGroup group, String bindAddress, int port) throws IOException {
        ChannelFuture udp = new Bootstrap()
                .group(group)
                .channel(EventLoops.datagramChannelType())
                .handler(new UdpInitializer())
                .bind(bindAddress, port).awaitUninterruptibly();
        if (!udp.isSuccess()) {
            throw failure("DNS responder (UDP) " + bindAddress + ':' + port, udp.cause());
        }
        channels.add(udp.channel());
        return udp.channel();
    }

    private static IOException failure(String what, Throwable cause) {
        String message = what + ": " + cause.getMessage();
        IOException exception = EventLoops.isAddressInUse(cause) ? new BindException(message)
                : new IOException(message);
        exception.initCause(cause);
        return exception;
    }

    /** Answers {@code query} from {@code sender}, counting the answer; empty when it is dropped. */
    private Optional<DnsAnswerer.Answer> answer(ByteBuf query, InetSocketAddress sender) {
        Optional<DnsAnswerer.Answer> answer = answerer.answer(ByteBufUtil.getBytes(query), sender.getAddress());
        answer.ifPresent(answered -> metrics.dnsQuery(answered.kind()));
        return answer;
    }

    /** The UDP pipeline (package-private for the fuzz test, which runs it on an EmbeddedChannel). */
    final class UdpInitializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel channel) {
            channel.pipeline()
                    .addLast(GatewayHandlerNames.DNS, new UdpHandler())
                    .addLast(GatewayHandlerNames.ERROR_HANDLER, new DatagramErrorHandler());
        }
    }

    /** One answer datagram per query datagram. */
    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            answer(packet.content(), packet.sender()).ifPresent(answer -> {
                int limit = answer.response().getOPT() != null ? DnsAnswerer.EDNS_PAYLOAD : PLAIN_UDP_PAYLOAD;
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer.response().toWire(limit)),
                        packet.sender()));
            });
        }
    }

    /**
     * Last on UDP: an error (such as an ICMP port unreachable surfacing as a read failure) is logged at DEBUG and
     * must not close the one server channel; unconsumed messages are released.
     */
    private static final class DatagramErrorHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            logger.debug("DNS responder (UDP) {}: {}", ctx.channel(), cause.toString());
        }
    }

    /** The TCP pipeline (package-private for the fuzz test, which runs it on an EmbeddedChannel). */
    final class TcpInitializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel channel) {
            channels.add(channel);
            channel.pipeline()
                    .addLast(GatewayHandlerNames.IDLE_TIMEOUT,
                            new IdleStateHandler(0, 0, TCP_IDLE_SECONDS, TimeUnit.SECONDS))
                    .addLast(GatewayHandlerNames.DNS_FRAME_DECODER,
                            new LengthFieldBasedFrameDecoder(MAX_TCP_MESSAGE + 2, 0, 2, 0, 2))
                    .addLast(GatewayHandlerNames.DNS_FRAME_ENCODER, new LengthFieldPrepender(2))
                    .addLast(GatewayHandlerNames.DNS, new TcpHandler())
                    .addLast(GatewayHandlerNames.ERROR_HANDLER, new ErrorHandler());
        }
    }

    /** One answer per length-prefixed query; the connection stays open for more. */
    private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf query) {
            Optional<DnsAnswerer.Answer> answer = answer(query, (InetSocketAddress) ctx.channel().remoteAddress());
            if (answer.isPresent()) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer.get().response().toWire()));
            } else {
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }
    }
}
