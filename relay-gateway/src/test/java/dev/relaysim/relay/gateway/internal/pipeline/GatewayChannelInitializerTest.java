package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.config.RendezvousFault;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline each {@link PortRole} gets, driven through EmbeddedChannel. */
class GatewayChannelInitializerTest {

    private static final PortRange PORTS = new PortRange(9400, 9409);
    private static SslContext sslContext;

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), PORTS);
    private final GatewayContext context = new GatewayContext(config.protocol(), new NamespaceRegistry(config),
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), NoopGatewayMetrics.INSTANCE,
            new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))), LimitSettings.DEFAULTS);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void createCertificate(@TempDir Path directory) throws Exception {
        sslContext = DevCertificateAuthority.loadOrCreate(directory, Set.of("localhost"), Set.of("127.0.0.1"))
                .newServerSslContext();
    }

    @AfterEach
    void finish() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        assertThat(context.limits().openConnections()).isZero();
    }

    @Test
    void theTlsFrontEndRequiresTlsAndServesSenders() {
        EmbeddedChannel channel = accept(9443, new GatewayChannelInitializer(context, PortRole.FRONT_END, -1,
                sslContext));
        assertThat(channel.pipeline().get(HandlerNames.TLS)).isInstanceOf(SslHandler.class);
        assertThat(channel.pipeline().names()).startsWith(HandlerNames.TLS, GatewayHandlerNames.HANDSHAKE_TIMEOUT,
                GatewayHandlerNames.HTTP_CODEC, GatewayHandlerNames.HTTP_SENDER, HandlerNames.HTTP_AGGREGATOR,
                GatewayHandlerNames.UPGRADE_ROUTER, GatewayHandlerNames.ERROR_HANDLER);
    }

    @Test
    void thePlainFrontEndHasNoTls() {
        EmbeddedChannel channel = accept(9080, new GatewayChannelInitializer(context, PortRole.FRONT_END, -1, null));
        assertThat(channel.pipeline().names()).startsWith(GatewayHandlerNames.HANDSHAKE_TIMEOUT,
                GatewayHandlerNames.HTTP_CODEC, GatewayHandlerNames.HTTP_SENDER).doesNotContain(HandlerNames.TLS);
    }

    @Test
    void aRendezvousPortDetectsTlsAndServesNoSenders() {
        EmbeddedChannel channel = accept(9403, new GatewayChannelInitializer(context, PortRole.RENDEZVOUS, 3,
                sslContext));
        assertThat(channel.pipeline().get(HandlerNames.TLS)).isInstanceOf(OptionalSslHandler.class);
        assertThat(channel.pipeline().names()).startsWith(HandlerNames.TLS, GatewayHandlerNames.HANDSHAKE_TIMEOUT,
                GatewayHandlerNames.HTTP_CODEC, HandlerNames.HTTP_AGGREGATOR, GatewayHandlerNames.UPGRADE_ROUTER,
                GatewayHandlerNames.ERROR_HANDLER).doesNotContain(GatewayHandlerNames.HTTP_SENDER);
    }

    @Test
    void aPortWithBothRolesDetectsTlsAndServesSenders() {
        EmbeddedChannel channel = accept(9403, new GatewayChannelInitializer(context, PortRole.BOTH, 3, sslContext));
        assertThat(channel.pipeline().get(HandlerNames.TLS)).isInstanceOf(OptionalSslHandler.class);
        assertThat(channel.pipeline().names())
                .contains(GatewayHandlerNames.HTTP_SENDER, GatewayHandlerNames.UPGRADE_ROUTER);
    }

    @Test
    void theFaultToggleResetsRendezvousConnectionsButNeverAFrontEnd() {
        context.rendezvousFaults().set(new RendezvousFaults(List.of(new RendezvousFault(new PortRange(9403, 9403),
                List.of(Ipv4Prefix.parse("127.0.0.0/8"))))));
        EmbeddedChannel blocked = accept(9403, new GatewayChannelInitializer(context, PortRole.RENDEZVOUS, 3,
                sslContext));
        assertThat(blocked.isOpen()).isFalse();
        assertThat(blocked.pipeline().names()).doesNotContain(GatewayHandlerNames.HTTP_CODEC);
        EmbeddedChannel otherPort = accept(9404, new GatewayChannelInitializer(context, PortRole.RENDEZVOUS, 4,
                sslContext));
        assertThat(otherPort.isOpen()).isTrue();
        EmbeddedChannel shared = accept(9403, new GatewayChannelInitializer(context, PortRole.BOTH, 3, sslContext));
        assertThat(shared.isOpen()).isTrue();
        assertThat(shared.pipeline().names()).contains(GatewayHandlerNames.UPGRADE_ROUTER);
    }

    @Test
    void theInstanceMustFitTheRole() {
        assertThatThrownBy(() -> new GatewayChannelInitializer(context, PortRole.RENDEZVOUS, -1, null))
                .hasMessage("instance: -1 (expected: 0-9 for role RENDEZVOUS)");
        assertThatThrownBy(() -> new GatewayChannelInitializer(context, PortRole.BOTH, 10, null))
                .hasMessage("instance: 10 (expected: 0-9 for role BOTH)");
        assertThatThrownBy(() -> new GatewayChannelInitializer(context, PortRole.FRONT_END, 3, null))
                .hasMessage("instance: 3 (expected: -1 for role FRONT_END)");
    }

    private EmbeddedChannel accept(int port, GatewayChannelInitializer initializer) {
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", port);
        InetEmbeddedChannel channel = new InetEmbeddedChannel(local, new InetSocketAddress("127.0.0.9", 50000));
        channels.add(channel);
        channel.pipeline().addLast(initializer);
        return channel;
    }
}
