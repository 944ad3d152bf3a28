package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A front end accepted on every I/O loop: one server channel per loop sharing one port. */
@Timeout(60)
class ServerBinderTest {

    private static final int CONNECTIONS = 40;

    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private List<EventLoop> loops;

    @BeforeEach
    void startLoops() {
        assumeTrue(EventLoops.acceptsPerLoop(), "the " + EventLoops.transport().propertyValue()
                + " transport accepts on one loop only (SO_REUSEPORT needs a native transport)");
        group = EventLoops.newGroup("binder-test", 4);
        loops = EventLoops.loopsOf(group);
    }

    @AfterEach
    void stopLoops() {
        channels.close().awaitUninterruptibly();
        if (group != null) {
            EventLoops.shutdown(group, Duration.ofSeconds(10));
        }
    }

    @Test
    void eachLoopAcceptsOnTheSharedPortAndServesWhatItAccepts() throws Exception {
        Set<EventLoop> servedOn = ConcurrentHashMap.newKeySet();
        AtomicInteger handedOver = new AtomicInteger();
        AtomicInteger nagled = new AtomicInteger();
        CountDownLatch accepted = new CountDownLatch(CONNECTIONS);
        ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                if (channel.eventLoop() != channel.parent().eventLoop()) {
                    handedOver.incrementAndGet();
                }
                servedOn.add(channel.eventLoop());
                if (!channel.config().getOption(ChannelOption.TCP_NODELAY)) {
                    nagled.incrementAndGet();
                }
                accepted.countDown();
            }
        };

        List<Channel> bound = new ServerBinder(channels).bindPerLoop("test front end", "127.0.0.1", 0, loops,
                initializer);

        assertThat(bound).hasSameSizeAs(loops);
        int port = ((InetSocketAddress) bound.get(0).localAddress()).getPort();
        for (int i = 0; i < bound.size(); i++) {
            assertThat(((InetSocketAddress) bound.get(i).localAddress()).getPort()).isEqualTo(port);
            assertThat(bound.get(i).eventLoop()).isSameAs(loops.get(i));
        }
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            assertThat(accepted.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        assertThat(handedOver).hasValue(0);
        assertThat(nagled).as("accepted connections with Nagle's algorithm on (TCP_NODELAY unset)").hasValue(0);
        assertThat(servedOn).as("the kernel deals %d connections to more than one loop", CONNECTIONS)
                .hasSizeGreaterThan(1);
    }

    @Test
    void aPortAnotherGroupSharesIsInUse() throws Exception {
        ChannelInitializer<Channel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
            }
        };
        List<Channel> first = new ServerBinder(channels).bindPerLoop("first front end", "127.0.0.1", 0, loops,
                initializer);
        int port = ((InetSocketAddress) first.get(0).localAddress()).getPort();

        assertThatThrownBy(() -> new ServerBinder(channels).bindPerLoop("second front end", "127.0.0.1", port,
                loops, initializer)).isInstanceOf(BindException.class)
                .hasMessageStartingWith("second front end 127.0.0.1:" + port);
        assertThat(channels.size()).as("only the first group stays bound").isEqualTo(loops.size());
    }
}
