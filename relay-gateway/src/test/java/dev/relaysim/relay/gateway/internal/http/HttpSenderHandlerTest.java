package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP request mode on embedded channels: {@link HttpSenderHandler} admits and refuses requests, and an
 * {@link HttpExchange} relays one to a listener's control channel and the listener's response back.
 */
class HttpSenderHandlerTest {

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final HttpExchanges exchanges = new HttpExchanges();
    private final HttpRequestMode mode = new HttpRequestMode(
            new Gatekeeper(registry, new NetworkGuard(new NetworkState(new NetworkModel(List.of(), List.of()))),
                    new RelayAuthorizer(Clock.systemUTC()), new ConnectionLimits(LimitSettings.DEFAULTS)),
            new Refusals(NoopGatewayMetrics.INSTANCE, new EventJournal(16), Clock.systemUTC(), registry),
            config.protocol(), new RendezvousPorts(config.listen().rendezvousPorts()), exchanges,
            NoopGatewayMetrics.INSTANCE);
    private final InetEmbeddedChannel sender = InetEmbeddedChannel.loopback(40000);
    private final InetEmbeddedChannel listenerChannel = InetEmbeddedChannel.loopback(40001);
    private final ListenerSet listeners = registry.defaultNamespace().match(TestGateway.ENTITY).orElseThrow().entity()
            .listeners();

    @AfterEach
    void close() {
        listeners.snapshot().forEach(listeners::remove);
        sender.finishAndReleaseAll();
        listenerChannel.finishAndReleaseAll();
    }

    @Test
    void hybridConnectionPathsPassOnUnchanged() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));
        FullHttpRequest upgrade = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/$hc/echo?sb-hc-action=connect");

        sender.writeInbound(upgrade);

        FullHttpRequest passed = sender.readInbound();
        assertThat(passed).isSameAs(upgrade);
        passed.release();
        assertThat((Object) sender.readOutbound()).isNull();
    }

    @Test
    void theTargetOfAPassedOnRequestIsHandedToTheUpgradeRouterOnceAndOnlyForItsUri() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));
        String uri = "/$hc/echo?sb-hc-action=connect&app=1";

        sender.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        ((FullHttpRequest) sender.readInbound()).release();

        assertThat(HttpSenderHandler.passedTarget(sender, "/$hc/other")).isNull();
        sender.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        ((FullHttpRequest) sender.readInbound()).release();
        RelayRequestTarget target = HttpSenderHandler.passedTarget(sender, uri);
        assertThat(target).isNotNull();
        assertThat(target.path()).isEqualTo("echo");
        assertThat(target.appQuery()).isEqualTo("app=1");
        assertThat(HttpSenderHandler.passedTarget(sender, uri)).isNull();
    }

    @Test
    void connectIs405() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));

        sender.writeInbound(request(HttpMethod.CONNECT, "/echo"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(statusAndBody()).startsWith("405 MethodNotAllowed: CONNECT is not supported by hybrid "
                + "connections. TrackingId:");
        assertThat(sender.isOpen()).isFalse();
    }

    @Test
    void anUnknownNamespaceIs404WithTheServiceText() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));
        HttpRequest request = request(HttpMethod.GET, "/echo");
        request.headers().set(HttpHeaderNames.HOST, "nowhere.example");

        sender.writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(statusAndBody()).startsWith("404 Endpoint does not exist. TrackingId:")
                .contains("SystemTracker:nowhere.example:echo");
    }

    @Test
    void aBadTokenIs401() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));
        HttpRequest request = request(HttpMethod.GET, "/echo");
        request.headers().set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                "SharedAccessSignature sr=a&sig=AAAA&se=1&skn=nobody");

        sender.writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(statusAndBody()).startsWith("401 ");
    }

    @Test
    void withoutAListenerTheSenderGets502Json() {
        sender.pipeline().addLast(new HttpSenderHandler(mode));

        sender.writeInbound(request(HttpMethod.GET, "/echo"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(statusAndBody()).startsWith("502 {\"error\":{\"code\":\"BadGateway\",\"message\":\"There are no "
                + "listeners connected for the endpoint. TrackingId:");
    }

    @Test
    void aRequestGoesToTheListenerAndItsResponseComesBackWithVia() throws Exception {
        ListenerConnection listener = readyListener();
        sender.pipeline().addLast(new HttpSenderHandler(mode));
        HttpRequest request = request(HttpMethod.POST, "/echo/orders?q=1");
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);

        sender.writeInbound(request, new DefaultLastHttpContent(Unpooled.copiedBuffer("hello",
                StandardCharsets.UTF_8)));
        listenerChannel.runPendingTasks();

        RequestCommand command = requestSentToListener();
        BinaryWebSocketFrame body = listenerChannel.readOutbound();
        try {
            assertThat(body.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        } finally {
            body.release();
        }
        assertThat(command.method()).isEqualTo("POST");
        assertThat(command.requestTarget()).isEqualTo("/echo/orders?q=1");
        assertThat(command.body()).isTrue();
        assertThat(command.remoteEndpoint().port()).isEqualTo(40000);
        assertThat(exchanges.find(command.id())).isPresent();

        HttpResponseReceiver receiver = exchanges.claimResponse(command.id(), listener).orElseThrow();
        assertThat(exchanges.claimResponse(command.id(), listener)).as("claimed once").isEmpty();
        receiver.onResponse(new ResponseCommand(command.id(), 201, "Created", Map.of("X-App", "1"), true),
                listenerChannel);
        receiver.onBody(Unpooled.copiedBuffer("done", StandardCharsets.UTF_8), true);
        sender.runPendingTasks();

        HttpResponse head = sender.readOutbound();
        assertThat(head.status().code()).isEqualTo(201);
        assertThat(head.status().reasonPhrase()).isEqualTo("Created");
        assertThat(head.headers().get("X-App")).isEqualTo("1");
        assertThat(head.headers().get(HttpHeaderNames.VIA)).isEqualTo("1.1 " + TestGateway.HOST);
        assertThat(readBody()).isEqualTo("done");
        assertThat(sender.isOpen()).as("keep-alive").isTrue();
        assertThat(exchanges.find(command.id())).isEmpty();
    }

    @Test
    void noResponseWithinTheResponseTimeoutIs504() throws Exception {
        readyListener();
        sender.pipeline().addLast(new HttpSenderHandler(mode));

        sender.writeInbound(request(HttpMethod.GET, "/echo"), LastHttpContent.EMPTY_LAST_CONTENT);
        listenerChannel.runPendingTasks();
        RequestCommand command = requestSentToListener();
        sender.advanceTimeBy(config.protocol().responseTimeout().toNanos() + 1, TimeUnit.NANOSECONDS);
        sender.runScheduledPendingTasks();

        assertThat(statusAndBody()).startsWith("504 {\"error\":{\"code\":\"GatewayTimeout\"");
        assertThat(exchanges.find(command.id())).isEmpty();
    }

    private ListenerConnection readyListener() {
        ListenerConnection listener = new ListenerConnection("listener-1", listenerChannel, false);
        listener.markReady();
        assertThat(listeners.tryAdd(listener)).isTrue();
        return listener;
    }

    private RequestCommand requestSentToListener() throws Exception {
        TextWebSocketFrame frame = listenerChannel.readOutbound();
        try {
            return (RequestCommand) ControlCommandCodec.decode(frame.text());
        } finally {
            frame.release();
        }
    }

    /** A request head as the HTTP codec decodes it: its content follows in {@link HttpContent}s. */
    private static HttpRequest request(HttpMethod method, String uri) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set(HttpHeaderNames.HOST, TestGateway.HOST)
                .set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION, TestGateway.token(TestGateway.ENTITY));
        return request;
    }

    /** {@code <status> <body>} of the one response written, which must be complete. */
    private String statusAndBody() {
        FullHttpResponse response = sender.readOutbound();
        try {
            return response.status().code() + " " + response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private String readBody() {
        StringBuilder body = new StringBuilder();
        for (HttpObject part = sender.readOutbound(); part != null; part = sender.readOutbound()) {
            if (part instanceof HttpContent content) {
                body.append(content.content().toString(StandardCharsets.UTF_8));
                boolean last = content instanceof LastHttpContent;
                content.release();
                if (last) {
                    break;
                }
            }
        }
        return body.toString();
    }
}
