package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;




import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The front-end and rendezvous pipelines up to the router, driven through EmbeddedChannel. */
class UpgradeRouterTest {

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final GatewayContext context = new GatewayContext(config.protocol(), registry,
            new RendezvousPorts(config.listen().rendezvousPorts()),
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Clock.systemUTC(), NoopGatewayMetrics.INSTANCE);
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void listenUpgradesAndRegistersTheListener() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        ListenerSet listeners = registry.defaultNamespace().match("echo").orElseThrow().entity().listeners();

        write(upgrade("/$hc/echo?sb-hc-action=listen&sb-hc-id=listener-1", TestGateway.token("echo")));

        assertThat(readResponse()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(channel.pipeline().names()).contains(HandlerNames.WEBSOCKET_PROTOCOL,
                GatewayHandlerNames.CONTROL_CHANNEL, GatewayHandlerNames.ERROR_HANDLER)
                .doesNotContain(GatewayHandlerNames.UPGRADE_ROUTER, GatewayHandlerNames.HANDSHAKE_TIMEOUT,
                HandlerNames.HTTP_AGGREGATOR);
        assertThat(listeners.size()).isEqualTo(1);
        assertThat(listeners.next().orElseThrow().id()).isEqualTo("listener-1");

        channel.close();
        assertThat(listeners.size()).isZero();
    }

    @Test
    void badTokenIsAnswered401WithServiceText() {
        channel = EmbeddedFrontEnd.frontEnd(context);

        write(upgrade("/$hc/echo?sb-hc-action=listen", "SharedAccessSignature sr=a&sig=AAAA&se=1&skn=nobody"));

        String response = readResponse();
        assertThat(response).startsWith("HTTP/1.1 401 The token has an invalid signature. TrackingId:")
                .contains("SystemTracker:sandbox.servicebus.windows.net:echo, Timestamp:")
                .contains("connection: close");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void senderWithoutListenerIsAnswered404() {
        channel = EmbeddedFrontEnd.frontEnd(context);

        write(upgrade("/$hc/echo", TestGateway.token("echo")));

        assertThat(readResponse()).startsWith("HTTP/1.1 404 There are no listeners connected for the endpoint.");
        assertThat(context.rendezvousTable().size()).isZero();
    }

    @Test
    void httpModeRequestsBypassTheAggregatorAndWithoutListenerAre502() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        assertThat(channel.pipeline().names()).containsSubsequence(GatewayHandlerNames.HTTP_CODEC,
                GatewayHandlerNames.HTTP_SENDER,
                HandlerNames.HTTP_AGGREGATOR);

        write("GET /echo/x?y=1 HTTP/1.1\r\nHost: localhost\r\nServiceBusAuthorization: " + TestGateway.token("echo")
                + "\r\n\r\n");

        assertThat(readResponse()).startsWith("HTTP/1.1 502 Bad Gateway")
                .contains("{\"error\":{\"code\":\"BadGateway\",\"message\":\"There are no listeners connected");
    }

    @Test
    void httpModeRequestsOnARendezvousOnlyPortAre404() {
        channel = rendezvous(3);

        write("GET /echo/x?y=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertThat(readResponse()).startsWith("HTTP/1.1 404 Endpoint does not exist.");
    }

    @Test
    void unknownRequestRendezvousIs403() {
        channel = rendezvous(3);

        write(upgrade("/$hc/echo?sb-hc-action=request&sb-hc-id=nope_G3", null));

        assertThat(readResponse()).startsWith("HTTP/1.1 403 The rendezvous address is invalid or has expired.");
    }

    @Test
    void oversizedHeadersAre431AndBodiesAre413() {
        channel = EmbeddedFrontEnd.frontEnd(context);
        write(upgrade("/$hc/echo", "x".repeat(40_000)));
        assertThat(readResponse()).startsWith("HTTP/1.1 431 ");
        channel.finishAndReleaseAll();

        channel = EmbeddedFrontEnd.frontEnd(context);
        write("POST /$hc/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 70000\r\n\r\n" + "b".repeat(70_000));
        assertThat(readResponse()).startsWith("HTTP/1.1 413 The request body is larger than 65536 bytes.");
    }

    @Test
    void lateUpgradeRequestsAreAnswered408OrClosed() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, true, -1, Admission.ADMITTED);
        write("GET /$hc/echo?sb-hc-action=listen HTTP/1.1\r\nHost: localhost\r\n");

        channel.advanceTimeBy(config.protocol().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(readResponse()).startsWith("HTTP/1.1 408 The request did not arrive within the handshake timeout");
        assertThat(channel.isActive()).isFalse();
        channel.finishAndReleaseAll();

        channel = new EmbeddedChannel();
        channel.freezeTime();
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, true, -1, Admission.ADMITTED);
        channel.advanceTimeBy(config.protocol().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void rendezvousPortsServeAcceptOnly() {
        channel = rendezvous(2);
        write(upgrade("/$hc/echo?sb-hc-action=accept&sb-hc-id=unknown_G2", null));
        assertThat(readResponse()).startsWith("HTTP/1.1 403 The rendezvous address is invalid or has expired.");
        channel.finishAndReleaseAll();

        channel = rendezvous(2);
        write(upgrade("/$hc/echo?sb-hc-action=listen", TestGateway.token("echo")));
        assertThat(readResponse()).startsWith("HTTP/1.1 404 Endpoint does not exist.");
    }

    @Test
    void acceptOnTheFrontEndIsAnswered404() {
        channel = EmbeddedFrontEnd.frontEnd(context);

        write(upgrade("/$hc/echo?sb-hc-action=accept&sb-hc-id=x", null));

        assertThat(readResponse()).startsWith("HTTP/1.1 404 Endpoint does not exist.");
    }

    @Test
    void connectHoldsTheSenderUntilTheRendezvousExpires() {
        channel = InetEmbeddedChannel.loopback(40000);
        channel.freezeTime();
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, true, -1, Admission.ADMITTED);
        EmbeddedChannel control = InetEmbeddedChannel.loopback(9443);
        ListenerConnection listener = new ListenerConnection("l1", control, true);
        listener.markReady();
        ListenerSet listeners = registry.defaultNamespace().match("echo").orElseThrow().entity().listeners();
        listeners.tryAdd(listener);
        try {
            write(upgrade("/$hc/echo/sfx?a=1&sb-hc-action=connect&sb-hc-id=s1", TestGateway.token("echo"))
                    .replace("\r\n\r\n", "\r\nX-Custom: yes\r\n\r\n"));

            assertThat(channel.outboundMessages()).isEmpty();
            assertThat(channel.config().isAutoRead()).isFalse();
            assertThat(context.rendezvousTable().size()).isEqualTo(1);
            TextWebSocketFrame frame = control.readOutbound();
            AcceptCommand accept = (AcceptCommand) EmbeddedFrontEnd.decode(frame);
            assertThat(accept.id()).matches("[0-9a-f-]{36}_G0");
            assertThat(accept.address()).isEqualTo("wss://127.0.0.1:9400/$hc/echo/sfx?a=1&sb-hc-action=accept&sb-hc-id="
                    + accept.id());
            assertThat(accept.connectHeaders().keySet()).containsExactly("Host", "Connection", "Upgrade",
                    "Sec-WebSocket-Version", "Sec-WebSocket-Key", "X-Custom");
            assertThat(accept.remoteEndpoint()).isEqualTo(new RemoteEndpoint("127.0.0.1", 40000));

            channel.advanceTimeBy(config.protocol().rendezvousTimeout().toMillis(), TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();

            assertThat(readResponse()).startsWith("HTTP/1.1 404 None of the connected listeners accepted the "
                    + "connection within the allowed timeout. TrackingId:");
            assertThat(context.rendezvousTable().size()).isZero();
        } finally {
            listeners.remove(listener);
            control.finishAndReleaseAll();
        }
    }

    @Test
    void aSenderThatGoesAwayDropsItsRendezvous() {
        channel = InetEmbeddedChannel.loopback(40001);
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, true, -1, Admission.ADMITTED);
        EmbeddedChannel control = InetEmbeddedChannel.loopback(9080);
        ListenerConnection listener = new ListenerConnection("l2", control, false);
        listener.markReady();
        ListenerSet listeners = registry.defaultNamespace().match("echo").orElseThrow().entity().listeners();
        listeners.tryAdd(listener);
        try {
            write(upgrade("/$hc/echo", TestGateway.token("echo")));
            TextWebSocketFrame frame = control.readOutbound();
            assertThat(((AcceptCommand) EmbeddedFrontEnd.decode(frame)).address())
                    .startsWith("ws://127.0.0.1:9400/$hc/echo?"
                    + "sb-hc-action=accept&sb-hc-id=");
            assertThat(context.rendezvousTable().size()).isEqualTo(1);

            channel.close();

            assertThat(context.rendezvousTable().size()).isZero();
        } finally {
            listeners.remove(listener);
            control.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel rendezvous(int instance) {
        EmbeddedChannel embedded = new EmbeddedChannel();
        GatewayPipelines.addHttpHandlers(embedded.pipeline(), context, false, instance, Admission.ADMITTED);
        return embedded;
    }

    private static String upgrade(String target, String token) {
        return token == null ? RawHttp.upgradeRequest(target, "localhost:9443")
                : RawHttp.upgradeRequest(target, "localhost:9443", "ServiceBusAuthorization: " + token);
    }

    private void write(String request) {
        EmbeddedFrontEnd.writeText(channel, request);
    }

    /** Everything written so far, as text. */
    private String readResponse() {
        return EmbeddedFrontEnd.writtenText(channel);
    }
}
