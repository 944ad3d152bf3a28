package dev.relaysim.relay.common.transport;

import dev.relaysim.relay.common.transport.EventLoops.NativeSupport;
import dev.relaysim.relay.common.transport.EventLoops.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.util.NettyRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport choice, and what the chosen transport reports when a port is taken. */
class EventLoopsTest {

    @Test
    void aServerRunsOneLoopPerCoreUnlessNettysPropertySaysOtherwise() {
        String before = System.getProperty(EventLoops.EVENT_LOOP_THREADS);
        try {
            System.clearProperty(EventLoops.EVENT_LOOP_THREADS);
            assertThat(EventLoops.oneLoopPerCore()).isEqualTo(NettyRuntime.availableProcessors());
            System.setProperty(EventLoops.EVENT_LOOP_THREADS, "3");
            assertThat(EventLoops.oneLoopPerCore()).isEqualTo(3);
        } finally {
            if (before == null) {
                System.clearProperty(EventLoops.EVENT_LOOP_THREADS);
            } else {
                System.setProperty(EventLoops.EVENT_LOOP_THREADS, before);
            }
        }
    }

    @Test
    void linuxGetsTheNativeTransportUnlessNioIsAsked() {
        assertThat(Transport.choose(null)).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
        assertThat(Transport.choose(" ")).isEqualTo(Transport.choose(null));
        assertThat(Transport.choose("NIO")).isEqualTo(Transport.NIO);
        if (Epoll.isAvailable()) {
            assertThat(Transport.choose("epoll")).isEqualTo(Transport.EPOLL);
        }
        assertThat(EventLoops.transport())
                .isEqualTo(Transport.choose(System.getProperty(EventLoops.TRANSPORT_PROPERTY)));
    }

    @Test
    void anUnknownTransportIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> Transport.choose("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("relaysim.transport: 'kqueue' (expected: epoll, io_uring or nio)");
    }

    @Test
    void ioUringIsTakenWhereTheKernelAllowsIt() {
        List<String> warnings = new ArrayList<>();
        assertThat(Transport.choose("io_uring", support(null, null), warnings::add)).isEqualTo(Transport.IO_URING);
        assertThat(Transport.choose(" IO_URING ", support(null, null), warnings::add)).isEqualTo(Transport.IO_URING);
        assertThat(Transport.choose("iouring", support(null, null), warnings::add)).isEqualTo(Transport.IO_URING);
        assertThat(Transport.choose(null, support(null, null), warnings::add))
                .as("io_uring is an option, not the default").isEqualTo(Transport.EPOLL);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aRefusedIoUringFallsBackToEpollOrNioSayingWhy() {
        List<String> warnings = new ArrayList<>();
        Throwable refused = new UnsupportedOperationException("io_uring_setup: Operation not permitted");
        assertThat(Transport.choose("io_uring", support(null, refused), warnings::add)).isEqualTo(Transport.EPOLL);
        assertThat(Transport.choose("io_uring", support(new UnsatisfiedLinkError("no epoll"), refused),
                warnings::add)).isEqualTo(Transport.NIO);
        assertThat(warnings).containsExactly(
                "relaysim.transport=io_uring: the io_uring transport is unavailable here (" + refused
                        + "); using epoll instead",
                "relaysim.transport=io_uring: the io_uring transport is unavailable here (" + refused
                        + "); using nio instead");
    }

    @Test
    void epollAskedForWhereItCannotLoadFailsWithTheReason() {
        Throwable missing = new UnsatisfiedLinkError("libnetty_transport_native_epoll not found");
        assertThatThrownBy(() -> Transport.choose("epoll", support(missing, null), message -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relaysim.transport=epoll").hasMessageContaining(missing.toString());
        assertThat(Transport.choose(null, support(missing, null), message -> { })).isEqualTo(Transport.NIO);
    }

    @Test
    @Timeout(30)
    void ioUringCarriesTrafficWhereThisKernelAllowsIt() {
        Assumptions.assumeTrue(IoUring.isAvailable(),
                () -> "io_uring unavailable here: " + IoUring.unavailabilityCause());
        Transport transport = Transport.choose("io_uring");
        assertThat(transport).isEqualTo(Transport.IO_URING);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
            Channel client = new Bootstrap().group(group).channel(transport.socketChannelClass())
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            echoed.complete(buf.toString(StandardCharsets.US_ASCII));
                            buf.release();
                        }
                    }).connect(server.localAddress()).syncUninterruptibly().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            assertThat(echoed.join()).isEqualTo("ping");
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
        } finally {
            EventLoops.shutdown(group, Duration.ofSeconds(5));
        }
    }

    private static NativeSupport support(Throwable epoll, Throwable ioUring) {
        return new NativeSupport() {
            @Override
            public Throwable epollUnavailability() {
                return epoll;
            }

            @Override
            public Throwable ioUringUnavailability() {
                return ioUring;
            }
        };
    }

    @Test
    @Timeout(30)
    void aTakenPortIsRecognisedAsAddressInUse() {
        EventLoopGroup group = EventLoops.newGroup("events-test", 1);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(EventLoops.serverChannelType())
                    .childHandler(new ChannelInboundHandlerAdapter());
            Channel first = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
            ChannelFuture second = bootstrap.bind(first.localAddress()).awaitUninterruptibly();
            assertThat(second.isSuccess()).isFalse();
            assertThat(EventLoops.isAddressInUse(second.cause())).as("%s", second.cause()).isTrue();
            assertThat(EventLoops.isAddressInUse(new BindException("in use"))).isTrue();
            assertThat(EventLoops.isAddressInUse(new IOException("other"))).isFalse();
            first.close().syncUninterruptibly();
        } finally {
            EventLoops.shutdown(group, Duration.ofSeconds(5));
        }
    }
}
