package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.internal.metrics.ConnectionPhase;
import dev.relaysim.relay.gateway.internal.metrics.HandshakeTimer;
import dev.relaysim.relay.gateway.internal.metrics.MicrometerGatewayMetrics;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relayed connection's phases are timed even when the listener reacts to its accept command before the control
 * channel's write has completed (on a loaded machine the write's listener can run that late): the accept's moment
 * is taken before the command can leave.
 */
class ConnectRouterPhaseTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(meters);
    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final GatewayContext context = new GatewayContext(config.protocol(), registry,
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), metrics);
    private final HybridConnection echo = registry.defaultNamespace().match("echo").orElseThrow().entity();
    /** What reached the control channel's socket: written, but never confirmed. */
    private final List<Object> unconfirmed = new ArrayList<>();
    private final EmbeddedChannel control = InetEmbeddedChannel.loopback(9443);
    private final ListenerConnection listener = new ListenerConnection("listener-1", control, true);
    private final EmbeddedChannel sender = InetEmbeddedChannel.loopback(40000);

    @AfterEach
    void finish() {
        unconfirmed.forEach(ReferenceCountUtil::release);
        sender.finishAndReleaseAll();
        echo.listeners().remove(listener);
        control.finishAndReleaseAll();
        metrics.close();
        assertThat(context.rendezvousTable().size()).isZero();
    }

    @Test
    void aListenerThatReactsBeforeTheAcceptsWriteIsConfirmedStillGivesAllThreePhases() {
        control.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                unconfirmed.add(msg);
            }
        });
        listener.markReady();
        echo.listeners().tryAdd(listener);
        GatewayPipelines.addHttpHandlers(sender.pipeline(), context, true, -1, Admission.ADMITTED);

        EmbeddedFrontEnd.writeText(sender, RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", "localhost:9443",
                "ServiceBusAuthorization: " + TestGateway.token("echo")));
        assertThat(unconfirmed).as("the accept command is out").hasSize(1);
        HandshakeTimer.rendezvousOpened(sender);
        HandshakeTimer.complete(sender, HcAction.CONNECT);

        for (ConnectionPhase phase : ConnectionPhase.values()) {
            assertThat(meters.get(RelayMeters.CONNECTION_PHASE).tag(RelayMeters.PHASE, phase.tagValue()).timer()
                    .count()).as(phase.tagValue()).isEqualTo(1);
        }
    }
}
