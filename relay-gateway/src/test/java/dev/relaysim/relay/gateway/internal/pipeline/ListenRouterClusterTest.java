package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's upgrade while the cluster decides on its place: the event loop is not held (nothing is answered, the
 * channel reads nothing), and the upgrade completes, is refused 403 (no place) or 503 (no answer in time) or gives its
 * place back when the channel closed meanwhile, once the cluster answers.
 */
class ListenRouterClusterTest {

    private static final String LISTEN = "/$hc/echo?sb-hc-action=listen&sb-hc-id=listener-1";

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final SlowCluster cluster = new SlowCluster(ClusterCounts.NONE);
    private final GatewayContext context = new GatewayContext(config.protocol(), registry,
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), NoopGatewayMetrics.INSTANCE,
            new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))), config.limits(),
            new EventJournal(EventJournal.DEFAULT_CAPACITY), cluster);
    private final ListenerSet listeners = registry.defaultNamespace().match("echo").orElseThrow().entity()
            .listeners();
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theUpgradeCompletesOnTheChannelsLoopWhenTheClusterGivesThePlace() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade(LISTEN));

        assertThat(readResponse()).as("no answer while the cluster decides").isEmpty();
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(channel.pipeline().names()).contains(GatewayHandlerNames.UPGRADE_ROUTER);

        cluster.answer(Placement.TAKEN);
        channel.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(channel.pipeline().names()).contains(HandlerNames.WEBSOCKET_PROTOCOL,
                GatewayHandlerNames.CONTROL_CHANNEL).doesNotContain(GatewayHandlerNames.UPGRADE_ROUTER);
        assertThat(listeners.size()).isEqualTo(1);

        channel.close();
        assertThat(listeners.size()).isZero();
        assertThat(cluster.unregistered).containsExactly("listener-1");
    }

    @Test
    void aPlaceTheClusterRefusesIsAnswered403() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade(LISTEN));

        cluster.answer(Placement.FULL);
        channel.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 403 ").contains("Quota exceeded");
        assertThat(listeners.size()).isZero();
        assertThat(channel.isActive()).isFalse();
        assertThat(cluster.unregistered).isEmpty();
    }

    @Test
    void aRegistrationTheClusterDidNotAnswerInTimeIsAnswered503() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade(LISTEN));

        cluster.answer(Placement.UNANSWERED);
        channel.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 503 ").contains("did not count the listener in time")
                .doesNotContain("Quota exceeded");
        assertThat(listeners.size()).isZero();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aRegistrationThatFailsIsAnsweredAsOneNotAnswered() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade(LISTEN));

        cluster.fail(new IllegalStateException("the member left"));
        channel.runPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 503 ").contains("did not count the listener in time");
        assertThat(listeners.size()).isZero();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aListenerGoneWhileTheClusterDecidedGivesItsPlaceBack() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade(LISTEN));
        channel.close();

        cluster.answer(Placement.TAKEN);
        channel.runPendingTasks();

        assertThat(readResponse()).isEmpty();
        assertThat(listeners.size()).isZero();
        assertThat(cluster.unregistered).containsExactly("listener-1");
    }

    private static String upgrade(String target) {
        return RawHttp.upgradeRequest(target, "localhost:9443",
                "ServiceBusAuthorization: " + TestGateway.token("echo"));
    }

    private void write(String request) {
        EmbeddedFrontEnd.writeText(channel, request);
    }

    private String readResponse() {
        return EmbeddedFrontEnd.writtenText(channel);
    }
}
