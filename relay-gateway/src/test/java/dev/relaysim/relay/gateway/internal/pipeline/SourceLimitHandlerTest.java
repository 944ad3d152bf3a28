package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The front-end pipeline of a connection over its source's limit, driven through EmbeddedChannel. */
class SourceLimitHandlerTest {

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final GatewayContext context = new GatewayContext(config.protocol(), new NamespaceRegistry(config),
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), NoopGatewayMetrics.INSTANCE,
            new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))), new LimitSettings(1, 1, 1));
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void finish() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        assertThat(context.limits().openConnections()).isZero();
    }

    @Test
    void answersTheFirstRequestOfARefusedConnection429AndCloses() throws Exception {
        EmbeddedChannel admitted = accepted("127.0.0.7");
        assertThat(GatewayPipelines.admit(admitted, context)).isEqualTo(Admission.ADMITTED);
        EmbeddedChannel refused = accepted("127.0.0.7");
        assertThat(GatewayPipelines.admit(refused, context)).isEqualTo(Admission.REFUSED);
        GatewayPipelines.addHttpHandlers(refused.pipeline(), context, true, -1, Admission.REFUSED);
        assertThat(refused.pipeline().names()).contains(GatewayHandlerNames.HANDSHAKE_TIMEOUT,
                GatewayHandlerNames.HTTP_CODEC, GatewayHandlerNames.CONNECTION_LIMIT, GatewayHandlerNames.ERROR_HANDLER)
                .doesNotContain(GatewayHandlerNames.HTTP_SENDER,
                HandlerNames.HTTP_AGGREGATOR, GatewayHandlerNames.UPGRADE_ROUTER);

        refused.writeInbound(Unpooled.copiedBuffer("POST /echo/orders?sb-hc-token=secret HTTP/1.1\r\nHost: "
                + "sandbox.servicebus.windows.net\r\nContent-Length: 3\r\n\r\nabc", StandardCharsets.ISO_8859_1));

        String response = refused.outboundMessages().stream()
                .map(written -> ((ByteBuf) written).toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
        refused.releaseOutbound();
        assertThat(response).startsWith("HTTP/1.1 429 Server busy. MaximumConnectionsPerSource: 1 connections from "
                        + "127.0.0.7 are open to the gateway already; retry after 1 s. TrackingId:")
                .contains("SystemTracker:sandbox.servicebus.windows.net:/echo/orders, Timestamp:")
                .contains("retry-after: 1").contains("connection: close").doesNotContain("secret");
        assertThat(refused.isOpen()).isFalse();
        assertThat(refused.pipeline().names()).doesNotContain(GatewayHandlerNames.HANDSHAKE_TIMEOUT);
        assertThat(context.limits().openConnections(InetAddress.getByName("127.0.0.7"))).isOne();

        admitted.close();
        EmbeddedChannel next = accepted("127.0.0.7");
        assertThat(GatewayPipelines.admit(next, context)).as("room again").isEqualTo(Admission.ADMITTED);
        next.close();
    }

    @Test
    void resetsConnectionsBeyondTheOnesBeingRefused() {
        List<Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 1 + ConnectionLimits.REFUSALS_IN_FLIGHT_PER_SOURCE; i++) {
            admissions.add(GatewayPipelines.admit(accepted("127.0.0.8"), context));
        }
        assertThat(admissions).containsOnlyOnce(Admission.ADMITTED).doesNotContain(Admission.RESET);

        EmbeddedChannel flooding = accepted("127.0.0.8");
        assertThat(GatewayPipelines.admit(flooding, context)).isEqualTo(Admission.RESET);
        assertThat(flooding.isOpen()).isFalse();
        assertThat(GatewayPipelines.admit(accepted("127.0.0.9"), context)).as("another source")
                .isEqualTo(Admission.ADMITTED);
        channels.forEach(EmbeddedChannel::close);
    }

    private EmbeddedChannel accepted(String remoteIp) {
        EmbeddedChannel channel = new InetEmbeddedChannel(new InetSocketAddress("127.0.0.1", 9080),
                new InetSocketAddress(remoteIp, 50_000 + channels.size()));
        channels.add(channel);
        return channel;
    }
}
