package dev.relaysim.relay.common.transport;

import dev.relaysim.relay.common.transport.EventLoops.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport choice, and what the chosen transport reports when a port is taken. */
class EventLoopsTest {

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
                .hasMessage("relaysim.transport: 'kqueue' (expected: epoll or nio)");
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
