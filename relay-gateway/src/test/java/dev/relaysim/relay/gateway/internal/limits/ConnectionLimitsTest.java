package dev.relaysim.relay.gateway.internal.limits;

import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.SharedBudget;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The counting behind the limits, on EmbeddedChannels whose peers have IP addresses. */
class ConnectionLimitsTest {

    private final ConnectionLimits limits = new ConnectionLimits(new LimitSettings(3, 2, 4));
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void finish() {
        for (EmbeddedChannel channel : channels) {
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
        assertThat(limits.openConnections()).isZero();
        assertThat(limits.relayedConnections()).isZero();
    }

    @Test
    void admitsUpToTheLimitPerSourceThenRefusesThenResets() throws Exception {
        InetAddress first = InetAddress.getByName("127.0.0.1");
        List<Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE + 2; i++) {
            admissions.add(limits.admit(channel("127.0.0.1")));
        }

        assertThat(admissions.subList(0, 3)).containsOnly(Admission.ADMITTED);
        assertThat(admissions.subList(3, 3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE))
                .containsOnly(Admission.REFUSED);
        assertThat(admissions.subList(3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE, admissions.size()))
                .containsOnly(Admission.RESET);
        assertThat(limits.openConnections(first)).isEqualTo(3 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE);
        assertThat(limits.admit(channel("127.0.0.2"))).as("another source").isEqualTo(Admission.ADMITTED);
        assertThat(limits.openConnections(InetAddress.getByName("127.0.0.2"))).isOne();

        closeAll();
        assertThat(limits.openConnections(first)).isZero();
        assertThat(limits.admit(channel("127.0.0.1"))).as("room again").isEqualTo(Admission.ADMITTED);
    }

    @Test
    void aClosedConnectionMakesRoomForTheNextOne() {
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EmbeddedChannel channel = channel("10.0.0.7");
            assertThat(limits.admit(channel)).isEqualTo(Admission.ADMITTED);
            open.add(channel);
        }
        EmbeddedChannel refused = channel("10.0.0.7");
        assertThat(limits.admit(refused)).isEqualTo(Admission.REFUSED);

        open.get(1).close();
        refused.close();

        assertThat(limits.admit(channel("10.0.0.7"))).isEqualTo(Admission.ADMITTED);
        assertThat(limits.admit(channel("10.0.0.7"))).isEqualTo(Admission.REFUSED);
    }

    @Test
    void sendersCountAgainstTheirNamespaceUntilTheirChannelCloses() {
        List<EmbeddedChannel> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            EmbeddedChannel sender = channel("127.0.0.1");
            assertThat(limits.admitSender(i % 2 == 0 ? "sandbox" : "SANDBOX", sender))
                    .isCompletedWithValue(Placement.TAKEN);
            senders.add(sender);
        }
        assertThat(limits.admitSender("sandbox", channel("127.0.0.1"))).isCompletedWithValue(Placement.FULL);
        assertThat(limits.admitSender("contoso", channel("127.0.0.1"))).as("another namespace")
                .isCompletedWithValue(Placement.TAKEN);
        assertThat(limits.relayedConnections("Sandbox")).isEqualTo(4);

        senders.get(0).close();
        assertThat(limits.relayedConnections("sandbox")).isEqualTo(3);
        assertThat(limits.admitSender("sandbox", channel("127.0.0.1"))).isCompletedWithValue(Placement.TAKEN);
        closeAll();
        assertThat(limits.relayedConnections("sandbox")).isZero();
    }

    @Test
    void inAClusterASenderAlsoTakesAPlaceOfTheNamespaceOnAllNodes() {
        SharedBudget cluster = new SharedBudget(2);
        ConnectionLimits node = new ConnectionLimits(new LimitSettings(3, 2, 4), cluster);
        EmbeddedChannel first = channel("127.0.0.1");
        EmbeddedChannel second = channel("127.0.0.1");

        assertThat(node.admitSender("Sandbox", first)).isCompletedWithValue(Placement.TAKEN);
        assertThat(node.admitSender("sandbox", second)).isCompletedWithValue(Placement.TAKEN);
        assertThat(cluster.held("namespace:sandbox")).isEqualTo(2);
        assertThat(node.admitSender("sandbox", channel("127.0.0.1"))).as("the other nodes hold two of four")
                .isCompletedWithValue(Placement.FULL);
        assertThat(node.relayedConnections("sandbox")).as("this node's count given back on the refusal")
                .isEqualTo(2);

        first.close();
        assertThat(cluster.held("namespace:sandbox")).isOne();
        assertThat(node.relayedConnections("sandbox")).isOne();
        second.close();
        assertThat(cluster.held("namespace:sandbox")).isZero();
        assertThat(node.relayedConnections()).isZero();
    }

    @Test
    void refusalTextsNameTheLimitAndTheRetry() throws Exception {
        assertThat(limits.sourceRefusal(InetAddress.getByName("127.0.0.5"))).isEqualTo("Server busy. "
                + "MaximumConnectionsPerSource: 3 connections from 127.0.0.5 are open to the gateway already; retry "
                + "after 1 s.");
        assertThat(limits.pendingRefusal()).isEqualTo("Server busy. MaximumPendingRendezvousPerEntity: 2 senders wait "
                + "for a listener to accept on the hybrid connection already; retry after 1 s.");
        assertThat(limits.namespaceRefusal()).startsWith("Quota exceeded. MaximumConnectionsPerNamespace: the "
                + "namespace has 4 relayed connections and waiting senders already.");
    }

    @Test
    void countsStayExactUnderConcurrency() throws Exception {
        KeyedCounter<String> counter = new KeyedCounter<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                admitted.add(threads.submit(() -> {
                    int count = 0;
                    for (int i = 0; i < 10_000; i++) {
                        if (counter.incrementBelow("key", 100) > 0) {
                            count++;
                            counter.decrement("key");
                        }
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> future : admitted) {
                total += future.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(40_000);
        } finally {
            threads.shutdownNow();
        }
        assertThat(counter.count("key")).isZero();
        assertThat(counter.total()).isZero();
        assertThat(counter.incrementBelow("key", 1)).isOne();
        assertThat(counter.incrementBelow("key", 1)).isEqualTo(-1);
        counter.decrement("key");
        assertThatThrownBy(() -> counter.decrement("key")).isInstanceOf(IllegalStateException.class)
                .hasMessage("nothing counted for key");
    }

    private EmbeddedChannel channel(String remoteIp) {
        EmbeddedChannel channel = new InetEmbeddedChannel(new InetSocketAddress("127.0.0.1", 9080),
                new InetSocketAddress(remoteIp, 40_000 + channels.size()));
        channels.add(channel);
        return channel;
    }

    private void closeAll() {
        channels.forEach(EmbeddedChannel::close);
    }
}
