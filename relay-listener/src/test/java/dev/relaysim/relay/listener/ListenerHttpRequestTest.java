package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.listener.FakeRelay.Frame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener's side of HTTP request mode, against a {@link FakeRelay} that plays the relay frame by frame. */
@Timeout(30)
class ListenerHttpRequestTest {


    private final FakeRelay relay = new FakeRelay();
    private final BlockingQueue<RelayedHttpListenerRequest> handled = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> bodies = new LinkedBlockingQueue<>();

    /**
     * Answers 201 "Created here" with the request's target in a header and its body echoed, repeated {@code X-Times}
     * times.
     */
    private final RequestHandler echo = (request, response) -> {
        handled.add(request);
        byte[] body;
        try (InputStream in = request.body()) {
            body = in.readAllBytes();
        }
        bodies.add(body);
        response.statusCode(201).statusDescription("Created here");
        response.headers().set("X-Target", request.requestTarget()).add("X-Multi", "a").add("x-multi", "b");
        int times = Integer.parseInt(request.headers().get("X-Times", "1"));
        try (OutputStream out = response.body()) {
            for (int i = 0; i < times; i++) {
                out.write(body);
            }
        }
    };

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    @Test
    void aRequestWithItsBodyOnTheControlChannelIsAnsweredThere() throws Exception {
        try (HybridConnectionListener listener = listener(echo)) {
            Channel control = open(listener);
            control.write(new TextWebSocketFrame(ControlCommandCodec.encode(request("r1", true,
                    Map.of("Content-Type", "text/plain")))));
            control.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer("hello".getBytes())));

            RelayedHttpListenerRequest request = handled.poll(10, TimeUnit.SECONDS);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.requestTarget()).isEqualTo("/hc/one/sfx?a=1");
            assertThat(request.path()).isEqualTo("/hc/one/sfx");
            assertThat(request.query()).isEqualTo("a=1");
            assertThat(request.headers().get("content-type")).isEqualTo("text/plain");
            assertThat(request.remoteEndpoint()).isEqualTo(new RemoteEndpoint("127.0.0.1", 50001));
            assertThat(request.hasBody()).isTrue();

            ResponseCommand response = response(relay.controlFrames);
            assertThat(response.requestId()).isEqualTo("r1");
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.statusDescription()).isEqualTo("Created here");
            assertThat(response.responseHeaders()).containsEntry("X-Target", "/hc/one/sfx?a=1")
                    .containsEntry("X-Multi", "a, b");
            assertThat(response.body()).isTrue();
            Frame body = relay.controlFrames.poll(10, TimeUnit.SECONDS);
            assertThat(body.type()).isEqualTo("binary");
            assertThat(body.fin()).isTrue();
            assertThat(body.text()).isEqualTo("hello");
            assertThat(relay.requests.poll(200, TimeUnit.MILLISECONDS)).as("no rendezvous opened").isNull();
        }
    }

    @Test
    void aRequestWithoutBodyGetsAResponseWithoutBody() throws Exception {
        try (HybridConnectionListener listener = listener(echo)) {
            Channel control = open(listener);
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(request("r2", false, Map.of()))));
            RelayedHttpListenerRequest request = handled.poll(10, TimeUnit.SECONDS);
            assertThat(request.hasBody()).isFalse();
            assertThat(bodies.poll(10, TimeUnit.SECONDS)).isEmpty();
            ResponseCommand response = response(relay.controlFrames);
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.body()).isFalse();
        }
    }

    @Test
    void aLargeResponseToAControlChannelRequestIsStreamedOnTheRequestAddress() throws Exception {
        try (HybridConnectionListener listener = listener(echo)) {
            Channel control = open(listener);
            byte[] chunk = new byte[50_000];
            new Random(1).nextBytes(chunk);
            control.write(new TextWebSocketFrame(ControlCommandCodec.encode(request("r3", true,
                    Map.of("X-Times", "3")))));
            control.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(chunk)));

            assertThat(relay.requests.poll(10, TimeUnit.SECONDS))
                    .isEqualTo("/$hc/hc/one?sb-hc-action=request&sb-hc-id=r3");
            ResponseCommand response = response(relay.rendezvousFrames);
            assertThat(response.requestId()).isEqualTo("r3");
            assertThat(response.body()).isTrue();
            byte[] expected = new byte[150_000];
            for (int i = 0; i < 3; i++) {
                System.arraycopy(chunk, 0, expected, i * chunk.length, chunk.length);
            }
            assertThat(streamedBody(relay.rendezvousFrames)).isEqualTo(expected);
            assertThat(relay.rendezvousFrames.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000);
            assertThat(relay.controlFrames.poll(200, TimeUnit.MILLISECONDS)).as("nothing on the control channel")
                    .isNull();
        }
    }

    @Test
    void anAddressOnlyRequestIsReadAndAnsweredOnItsRendezvous() throws Exception {
        try (HybridConnectionListener listener = listener(echo)) {
            Channel control = open(listener);
            String address = "ws://127.0.0.1:" + relay.port() + "/$hc/hc/one?sb-hc-action=request&sb-hc-id=r4";
            control.writeAndFlush(new TextWebSocketFrame(
                    ControlCommandCodec.encode(RequestCommand.addressOnly(address, "r4"))));

            Channel rendezvous = relay.requestRendezvous.poll(10, TimeUnit.SECONDS);
            byte[] body = new byte[200_000];
            new Random(2).nextBytes(body);
            String command = ControlCommandCodec.encode(request("r4", true, Map.of()));
            int half = command.length() / 2;
            rendezvous.write(new TextWebSocketFrame(false, 0,
                    Unpooled.copiedBuffer(command.substring(0, half).getBytes())));
            rendezvous.write(new ContinuationWebSocketFrame(true, 0,
                    Unpooled.copiedBuffer(command.substring(half).getBytes())));
            rendezvous.write(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(body, 0, 65_536)));
            rendezvous.write(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(body, 65_536, 65_536)));
            rendezvous.writeAndFlush(new ContinuationWebSocketFrame(true, 0,
                    Unpooled.wrappedBuffer(body, 131_072, body.length - 131_072)));

            assertThat(handled.poll(10, TimeUnit.SECONDS).id()).isEqualTo("r4");
            assertThat(bodies.poll(10, TimeUnit.SECONDS)).isEqualTo(body);
            ResponseCommand response = response(relay.rendezvousFrames);
            assertThat(response.requestId()).isEqualTo("r4");
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(streamedBody(relay.rendezvousFrames)).isEqualTo(body);
            assertThat(relay.rendezvousFrames.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000);
            assertThat(relay.controlFrames.poll(200, TimeUnit.MILLISECONDS)).as("nothing on the control channel")
                    .isNull();
        }
    }

    @Test
    void headersOverTheControlChannelLimitGoToTheRequestAddress() throws Exception {
        RequestHandler bigHeaders = (request, response) -> response.headers().set("X-Big", "x".repeat(40 * 1024));
        try (HybridConnectionListener listener = listener(bigHeaders)) {
            Channel control = open(listener);
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(request("r5", false, Map.of()))));
            assertThat(relay.requests.poll(10, TimeUnit.SECONDS))
                    .isEqualTo("/$hc/hc/one?sb-hc-action=request&sb-hc-id=r5");
            ResponseCommand response = response(relay.rendezvousFrames);
            assertThat(response.responseHeaders().get("X-Big")).hasSize(40 * 1024);
            assertThat(response.body()).isFalse();
            assertThat(relay.rendezvousFrames.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void aThrowingHandlerAnswers500() throws Exception {
        RequestHandler failing = (request, response) -> {
            response.statusCode(404).headers().set("X-Lost", "yes");
            response.body().write("partial".getBytes());
            throw new IllegalStateException("boom");
        };
        try (HybridConnectionListener listener = listener(failing)) {
            Channel control = open(listener);
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(request("r6", false, Map.of()))));
            ResponseCommand response = response(relay.controlFrames);
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.responseHeaders()).isEmpty();
            assertThat(response.body()).isFalse();
        }
    }

    @Test
    void withoutARequestHandlerRequestsGet501() throws Exception {
        try (HybridConnectionListener listener = listener(null)) {
            Channel control = open(listener);
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(request("r7", false, Map.of()))));
            assertThat(response(relay.controlFrames).statusCode()).isEqualTo(501);
        }
    }

    @Test
    void withoutAConnectionHandlerSendersAreRejectedWith501() throws Exception {
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + relay.port() + "/"), "hc/one", null)
                .requestHandler(echo)
                .build()) {
            listener.open().get(10, TimeUnit.SECONDS);
            relay.requests.poll(5, TimeUnit.SECONDS);
            String address = "ws://127.0.0.1:" + relay.port() + "/$hc/hc/one?sb-hc-action=accept&sb-hc-id=c1";
            relay.control.get(5, TimeUnit.SECONDS).writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(
                    new AcceptCommand(address, "c1", Map.of(), null))));
            assertThat(relay.requests.poll(10, TimeUnit.SECONDS)).startsWith(
                    "/$hc/hc/one?sb-hc-action=accept&sb-hc-id=c1&sb-hc-statusCode=501&sb-hc-statusDescription=");
        }
    }

    @Test
    void aBodyAnnouncedButNotSentDropsTheRequestAndKeepsTheNextCommand() throws Exception {
        try (HybridConnectionListener listener = listener(echo)) {
            Channel control = open(listener);
            control.write(new TextWebSocketFrame(ControlCommandCodec.encode(request("r8", true, Map.of()))));
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(request("r9", false, Map.of()))));
            assertThat(handled.poll(10, TimeUnit.SECONDS).id()).isEqualTo("r9");
            assertThat(response(relay.controlFrames).requestId()).isEqualTo("r9");
            assertThat(handled).isEmpty();
        }
    }

    private RequestCommand request(String id, boolean body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Host", "127.0.0.1");
        return new RequestCommand("ws://127.0.0.1:" + relay.port() + "/$hc/hc/one?sb-hc-action=request&sb-hc-id=" + id,
                id, "/hc/one/sfx?a=1", "POST", new RemoteEndpoint("127.0.0.1", 50001), all, body);
    }

    private Channel open(HybridConnectionListener listener) throws Exception {
        listener.open().get(10, TimeUnit.SECONDS);
        assertThat(relay.requests.poll(5, TimeUnit.SECONDS)).contains("sb-hc-action=listen");
        return relay.control.get(5, TimeUnit.SECONDS);
    }

    private HybridConnectionListener listener(RequestHandler handler) {
        HybridConnectionListener.Builder builder = relay.listenerBuilder()
                .connectionHandler((accept, connection) -> connection.close(1000, ""));
        return (handler == null ? builder : builder.requestHandler(handler)).build();
    }

    private static ResponseCommand response(BlockingQueue<Frame> frames) throws Exception {
        Frame frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a response command").isNotNull();
        assertThat(frame.type()).isEqualTo("text");
        return (ResponseCommand) ControlCommandCodec.decode(frame.text());
    }

    /** Binary fragments up to the final one, checking their framing; at most 64 KiB each. */
    private static byte[] streamedBody(BlockingQueue<Frame> frames) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean first = true;
        while (true) {
            Frame frame = frames.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a body fragment").isNotNull();
            assertThat(frame.type()).isEqualTo(first ? "binary" : "continuation");
            assertThat(frame.data().length).isLessThanOrEqualTo(64 * 1024);
            body.writeBytes(frame.data());
            first = false;
            if (frame.fin()) {
                return body.toByteArray();
            }
        }
    }
}
