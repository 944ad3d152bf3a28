package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each dedicated rendezvous port is accepted on and served by one I/O loop, and a sender is given a port of its own
 * loop, so the listener's rendezvous connection is born where its pair runs; a sender on a loop without a port of its
 * own gets any port and the listener's connection moves to the sender's loop.
 */
@Timeout(60)
class RendezvousLoopIntegrationTest {

    private static final int SENDERS = 8;

    @Test
    void eachDedicatedRendezvousPortIsServedByTheLoopItWasDealtTo() throws Exception {
        try (TestGateway gw = TestGateway.builder().start()) {
            RendezvousPorts ports = gw.server().context().rendezvousPorts();
            Set<EventLoop> loops = new HashSet<>();
            for (int instance = 0; instance < ports.size(); instance++) {
                EventLoop expected = ports.loopOf(instance);
                assertThat(expected).as("loop of g%d", instance).isNotNull();
                loops.add(expected);
                assertThat(serverChannelsOf(gw, ports.port(instance))).as("server channel of g%d", instance)
                        .isNotEmpty().allMatch(server -> server.eventLoop() == expected);
                try (Socket socket = new Socket(gw.host(), ports.port(instance))) {
                    Channel accepted = awaitChild(gw, ports.port(instance), socket.getLocalPort());
                    assertThat(accepted.eventLoop()).as("loop of a connection to g%d", instance).isSameAs(expected);
                }
            }
            assertThat(loops).as("the ports are spread over the loops").hasSizeGreaterThan(1);
        }
    }

    @Test
    void aSenderIsGivenARendezvousPortOfItsOwnLoop() throws Exception {
        try (TestGateway gw = TestGateway.builder().start();
             TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            RendezvousPorts ports = gw.server().context().rendezvousPorts();
            Set<EventLoop> senderLoops = new HashSet<>();
            for (Pair pair : relaySenders(gw)) {
                EventLoop portLoop = ports.loopOf(gw.config().listen().rendezvousPorts().instanceOf(pair.port()));
                assertThat(portLoop).as("loop of the rendezvous port %d", pair.port())
                        .isSameAs(pair.sender().eventLoop());
                assertThat(pair.rendezvous().eventLoop()).isSameAs(pair.sender().eventLoop());
                senderLoops.add(pair.sender().eventLoop());
            }
            assertThat(senderLoops).as("senders on several loops").hasSizeGreaterThan(1);
        }
    }

    @Test
    void aSenderOnALoopWithoutAPortOfItsOwnHasTheListenersConnectionMovedToIt() throws Exception {
        // One rendezvous port for several loops: the senders on the other loops fall back to the move.
        try (TestGateway gw = TestGateway.builder().rendezvousPorts(new PortRange(9400, 9400)).isolatedAddress()
                .start();
             TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            EventLoop portLoop = gw.server().context().rendezvousPorts().loopOf(0);
            assertThat(portLoop).isNotNull();
            int moved = 0;
            for (Pair pair : relaySenders(gw)) {
                assertThat(pair.port()).isEqualTo(9400);
                assertThat(pair.rendezvous().eventLoop()).isSameAs(pair.sender().eventLoop());
                if (pair.sender().eventLoop() != portLoop) {
                    moved++;
                }
            }
            assertThat(moved).as("rendezvous moved from the port's loop to their sender's").isPositive();
        }
    }

    /** A relayed connection's two channels at the gateway, and the rendezvous port the listener's one reached. */
    private record Pair(Channel sender, Channel rendezvous, int port) {
    }

    /** Relays {@value #SENDERS} senders in turn (each echoed) and returns their pairs' channels. */
    private static List<Pair> relaySenders(TestGateway gw) throws Exception {
        PortRange range = gw.config().listen().rendezvousPorts();
        int plainPort = gw.addresses().plainPort();
        List<Pair> pairs = new ArrayList<>();
        List<WsPeer> senders = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                Set<Channel> before = new HashSet<>(gw.server().context().channels());
                WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
                senders.add(sender);
                sender.sendText("sender " + i).get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("sender " + i);
                List<Channel> added = gw.server().context().channels().stream()
                        .filter(channel -> channel.parent() != null && !before.contains(channel)).toList();
                Channel senderChannel = added.stream().filter(channel -> localPort(channel) == plainPort)
                        .findFirst().orElseThrow();
                Channel rendezvous = added.stream().filter(channel -> range.instanceOf(localPort(channel)) >= 0)
                        .findFirst().orElseThrow();
                pairs.add(new Pair(senderChannel, rendezvous, localPort(rendezvous)));
            }
        } finally {
            for (WsPeer sender : senders) {
                sender.socket().abort();
            }
        }
        return pairs;
    }

    private static List<Channel> serverChannelsOf(TestGateway gw, int localPort) {
        return gw.server().context().channels().stream()
                .filter(channel -> channel.parent() == null && localPort(channel) == localPort).toList();
    }

    private static Channel awaitChild(TestGateway gw, int localPort, int remotePort) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> gw.server().context().channels().stream()
                        .filter(channel -> channel.parent() != null && localPort(channel) == localPort
                                && channel.remoteAddress() instanceof InetSocketAddress remote
                                && remote.getPort() == remotePort)
                        .findFirst(), Optional::isPresent).orElseThrow();
    }

    private static int localPort(Channel channel) {
        return channel.localAddress() instanceof InetSocketAddress address ? address.getPort() : -1;
    }
}
