package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.internal.relay.RelaySettings;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A claimed rendezvous completed, rejected or failed, on embedded channels. */
class RendezvousHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final EventJournal events = new EventJournal(16);
    private final Set<RelayPair> relayPairs = ConcurrentHashMap.newKeySet();
    private final RendezvousHandshake handshake = new RendezvousHandshake(
            new WebSocketUpgrades.ProtocolHandlers(config.protocol()),
            new RelaySettings(64 * 1024, 1024 * 1024, Duration.ofSeconds(5)),
            new Refusals(NoopGatewayMetrics.INSTANCE, events, Clock.systemUTC(), registry),
            new ConnectionMeters(NoopGatewayMetrics.INSTANCE, events, Clock.systemUTC()),
            new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))), relayPairs);
    private final EntityMatch match = registry.defaultNamespace().match(TestGateway.ENTITY).orElseThrow();
    private final InetEmbeddedChannel sender = InetEmbeddedChannel.loopback(40000);
    private final InetEmbeddedChannel listener = InetEmbeddedChannel.loopback(40001);

    @AfterEach
    void close() {
        sender.finishAndReleaseAll();
        listener.finishAndReleaseAll();
    }

    @Test
    void aRejectAnswersTheListener410AndTheSenderWithItsStatusAndDescription() {
        PendingRendezvous pending = pending();
        listener.pipeline().addLast(new HttpServerCodec());

        handshake.reject(listener, pending, "403", "Not+today%21");
        sender.runPendingTasks();

        assertThat(listener.readOutboundText()).startsWith("HTTP/1.1 410 Gone")
                .endsWith("The rendezvous " + pending.id() + " was rejected; the sender gets 403.");
        assertThat(sender.readOutboundText()).startsWith("HTTP/1.1 403 Not today!").endsWith("Not today!");
        assertThat(pending.request().refCnt()).isZero();
        assertThat(listener.isOpen()).isFalse();
        assertThat(sender.isOpen()).isFalse();
    }

    @Test
    void aFailedRendezvousAnswersTheHeldSender500WithTheServiceText() {
        PendingRendezvous pending = pending();

        handshake.failSender(pending, "The listener's rendezvous request was not a WebSocket upgrade.", "test");
        sender.runPendingTasks();

        assertThat(sender.readOutboundText()).startsWith("HTTP/1.1 500 The listener's rendezvous request was not a "
                + "WebSocket upgrade. TrackingId:").contains("_G1, SystemTracker:" + match.entity().systemTracker());
        assertThat(pending.request().refCnt()).isZero();
        assertThat(events.read(0, 10).events()).hasSize(1);
    }

    @Test
    void anAcceptUpgradesBothLegsMovesTheListenerToTheSendersLoopAndJoinsThePair() {
        PendingRendezvous pending = pending();
        listenerAccepts(pending);

        acceptRequest(pending);
        listener.runPendingTasks();
        sender.runPendingTasks();
        sender.runPendingTasks();

        assertThat(listener.eventLoop()).isSameAs(sender.eventLoop());
        assertThat(listener.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(sender.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(relayPairs).hasSize(1);
        assertThat(sender.pipeline().names()).contains(GatewayHandlerNames.RELAY)
                .doesNotContain(GatewayHandlerNames.UPGRADE_ROUTER, GatewayHandlerNames.RENDEZVOUS);
        assertThat(listener.pipeline().names()).contains(GatewayHandlerNames.RELAY)
                .doesNotContain(GatewayHandlerNames.RENDEZVOUS);
    }

    @Test
    void aJoinedPairKeepsNeitherTheRendezvousNorTheSendersRequest() {
        WeakReference<PendingRendezvous> rendezvous = joinedRendezvous();

        assertThat(relayPairs).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            System.gc();
            assertThat(rendezvous.get()).as("the rendezvous, once the pair relays").isNull();
        });
    }

    @Test
    void aSenderThatLeftBeforeTheListenersUpgradeGetsTheListenerClosed1001() {
        PendingRendezvous pending = pending();
        listenerAccepts(pending);
        sender.close();

        acceptRequest(pending);
        sender.runPendingTasks();

        assertThat(listener.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols")
                .contains(RendezvousHandshake.SENDER_GONE);
        assertThat(listener.isOpen()).isFalse();
        assertThat(pending.request().refCnt()).isZero();
        assertThat(relayPairs).isEmpty();
    }

    /**
     * A rendezvous completed as {@code ConnectRouter} and {@code AcceptRouter} drive it (with a close action while the
     * sender is held), referred to only weakly from here on.
     */
    private WeakReference<PendingRendezvous> joinedRendezvous() {
        PendingRendezvous pending = pending();
        pending.onSenderClosedWhileHeld(closed -> pending.request().release());
        listenerAccepts(pending);
        acceptRequest(pending);
        listener.runPendingTasks();
        sender.runPendingTasks();
        sender.runPendingTasks();
        assertThat(sender.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(listener.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols");
        return new WeakReference<>(pending);
    }

    /** The listener's pipeline up to a router that hands its accept request to the handshake. */
    private void listenerAccepts(PendingRendezvous pending) {
        listener.pipeline().addLast(new HttpServerCodec());
        listener.pipeline().addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(64 * 1024));
        listener.pipeline().addLast(GatewayHandlerNames.UPGRADE_ROUTER, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                handshake.acceptListener(ctx, (FullHttpRequest) msg, pending);
            }
        });
    }

    private void acceptRequest(PendingRendezvous pending) {
        listener.writeInbound(Unpooled.copiedBuffer(RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=accept&sb-hc-id="
                + pending.id(), "localhost"), StandardCharsets.US_ASCII));
    }

    /** A rendezvous on g1 whose sender's upgrade is held: the sender's pipeline up to its router. */
    private PendingRendezvous pending() {
        sender.pipeline().addLast(new HttpServerCodec());
        sender.pipeline().addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(64 * 1024));
        sender.pipeline().addLast(GatewayHandlerNames.UPGRADE_ROUTER, new ChannelInboundHandlerAdapter());
        return new PendingRendezvous(PendingRendezvous.newId(1), 1, match, sender, upgrade("/$hc/echo"), 0);
    }

    private static FullHttpRequest upgrade(String uri) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set(HttpHeaderNames.HOST, "localhost").set(HttpHeaderNames.UPGRADE, "websocket")
                .set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.SEC_WEBSOCKET_KEY, KEY)
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        return request;
    }
}
