package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender's {@code connect} while the cluster counts its places (relayed connections of its namespace, then waiting
 * senders of its hybrid connection): the sender is held without holding up its event loop, and goes on, is refused
 * 403/429 (no room), 503 (no answer in time), or gives its places back when it went away meanwhile, once the cluster
 * answers.
 */
class ConnectRouterClusterTest {

    private static final String NAMESPACE_KEY = "namespace:" + TestGateway.NAMESPACE;
    private static final String PENDING_KEY = "pending:" + TestGateway.NAMESPACE + "/echo";

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final SlowCounts counts = new SlowCounts();
    private final GatewayContext context = new GatewayContext(config.protocol(), registry,
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), NoopGatewayMetrics.INSTANCE,
            new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))), config.limits(),
            new EventJournal(EventJournal.DEFAULT_CAPACITY), new SlowCluster(counts));
    private final HybridConnection echo = registry.defaultNamespace().match("echo").orElseThrow().entity();
    private final EmbeddedChannel control = InetEmbeddedChannel.loopback(9443);
    private final ListenerConnection listener = new ListenerConnection("listener-1", control, true);
    private EmbeddedChannel sender;

    @BeforeEach
    void connectListener() {
        listener.markReady();
        echo.listeners().tryAdd(listener);
        sender = InetEmbeddedChannel.loopback(40000);
        GatewayPipelines.addHttpHandlers(sender.pipeline(), context, true, -1, Admission.ADMITTED);
    }

    @AfterEach
    void finish() {
        sender.finishAndReleaseAll();
        echo.listeners().remove(listener);
        control.finishAndReleaseAll();
        assertThat(context.rendezvousTable().size()).isZero();
        assertThat(context.limits().relayedConnections()).as("this node's counts given back").isZero();
    }

    @Test
    void theSenderIsHeldWhileTheClusterCountsAndItsLoopGoesOn() {
        connect();

        assertThat(counts.asked).containsExactly(NAMESPACE_KEY);
        assertThat(readResponse()).as("no answer while the cluster counts").isEmpty();
        assertThat(sender.config().isAutoRead()).isFalse();
        AtomicBoolean otherWork = new AtomicBoolean();
        sender.eventLoop().execute(() -> otherWork.set(true));
        sender.runPendingTasks();
        assertThat(otherWork).as("the loop is not held up").isTrue();

        counts.answer(0, Placement.TAKEN);
        sender.runPendingTasks();
        assertThat(counts.asked).containsExactly(NAMESPACE_KEY, PENDING_KEY);
        assertThat(context.rendezvousTable().size()).as("not waiting before the cluster has room").isZero();
        assertThat(control.outboundMessages()).isEmpty();

        counts.answer(1, Placement.TAKEN);
        sender.runPendingTasks();
        assertThat(context.rendezvousTable().size()).isEqualTo(1);
        assertThat(accept().id()).matches("[0-9a-f-]{36}_G0");
        assertThat(readResponse()).as("held for the listener's accept").isEmpty();
        assertThat(sender.config().isAutoRead()).isFalse();
        assertThat(counts.released).isEmpty();

        sender.close();
        assertThat(context.rendezvousTable().size()).isZero();
        assertThat(counts.released).containsExactlyInAnyOrder(NAMESPACE_KEY, PENDING_KEY);
    }

    @Test
    void aNamespaceTheClusterHasNoRoomInIsAnswered403() {
        connect();

        counts.answer(0, Placement.FULL);
        sender.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 403 Quota exceeded. MaximumConnectionsPerNamespace:");
        assertThat(counts.asked).as("no waiting place asked for").containsExactly(NAMESPACE_KEY);
        assertThat(context.limits().relayedConnections()).isZero();
        assertThat(counts.released).isEmpty();
        assertThat(control.outboundMessages()).isEmpty();
    }

    @Test
    void aHybridConnectionTheClusterHasNoRoomOnIsAnswered429() {
        connect();
        counts.answer(0, Placement.TAKEN);
        sender.runPendingTasks();

        counts.answer(1, Placement.FULL);
        sender.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 429 Server busy. MaximumPendingRendezvousPerEntity:")
                .contains("retry-after: 1");
        assertThat(context.rendezvousTable().waiting(echo)).isZero();
        assertThat(control.outboundMessages()).isEmpty();
        sender.close();
        assertThat(counts.released).as("the namespace's place").containsExactly(NAMESPACE_KEY);
    }

    @Test
    void aNamespacePlaceTheClusterDidNotCountInTimeIsAnswered503() {
        connect();

        counts.answer(0, Placement.UNANSWERED);
        sender.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 503 Server busy: the gateway cluster did not count the sender "
                + "in time.").doesNotContain("Quota exceeded");
        assertThat(counts.asked).as("no waiting place asked for").containsExactly(NAMESPACE_KEY);
        assertThat(context.limits().relayedConnections()).isZero();
        assertThat(control.outboundMessages()).isEmpty();
    }

    @Test
    void aWaitingPlaceTheClusterDidNotCountInTimeIsAnswered503() {
        connect();
        counts.answer(0, Placement.TAKEN);
        sender.runPendingTasks();

        counts.answer(1, Placement.UNANSWERED);
        sender.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 503 Server busy: the gateway cluster did not count the sender "
                + "in time.");
        assertThat(context.rendezvousTable().waiting(echo)).isZero();
        assertThat(control.outboundMessages()).isEmpty();
        sender.close();
        assertThat(counts.released).as("the namespace's place").containsExactly(NAMESPACE_KEY);
    }

    @Test
    void aSenderGoneWhileTheNamespaceWasCountedGivesItsPlaceBack() {
        connect();
        sender.close();

        counts.answer(0, Placement.TAKEN);
        sender.runPendingTasks();

        assertThat(counts.released).containsExactly(NAMESPACE_KEY);
        assertThat(counts.asked).as("no waiting place asked for").containsExactly(NAMESPACE_KEY);
        assertThat(control.outboundMessages()).isEmpty();
    }

    @Test
    void aSenderGoneWhileItsWaitingPlaceWasCountedGivesBothPlacesBack() {
        connect();
        counts.answer(0, Placement.TAKEN);
        sender.runPendingTasks();
        sender.close();
        assertThat(counts.released).as("the namespace's place at once").containsExactly(NAMESPACE_KEY);

        counts.answer(1, Placement.TAKEN);
        sender.runPendingTasks();

        assertThat(counts.released).containsExactlyInAnyOrder(NAMESPACE_KEY, PENDING_KEY);
        assertThat(context.rendezvousTable().waiting(echo)).isZero();
        assertThat(control.outboundMessages()).as("no accept for a sender gone").isEmpty();
    }

    private void connect() {
        EmbeddedFrontEnd.writeText(sender, RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", "localhost:9443",
                "ServiceBusAuthorization: " + TestGateway.token("echo")));
    }

    private AcceptCommand accept() {
        return (AcceptCommand) EmbeddedFrontEnd.decode(control.readOutbound());
    }

    private String readResponse() {
        return EmbeddedFrontEnd.writtenText(sender);
    }

    /** Cluster-wide counts that answer each place when the test says so, and record what was given back. */
    private static final class SlowCounts implements ClusterCounts {

        private final List<String> asked = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Placement>> answers = new CopyOnWriteArrayList<>();
        private final List<String> released = new CopyOnWriteArrayList<>();

        void answer(int place, Placement placement) {
            answers.get(place).complete(placement);
        }

        @Override
        public CompletionStage<Placement> acquire(String key, int cap) {
            asked.add(key);
            CompletableFuture<Placement> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        @Override
        public void release(String key) {
            released.add(key);
        }
    }
}
