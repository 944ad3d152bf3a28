package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the listener sends and how it reacts on the control channel, against a {@link FakeRelay}. */
@Timeout(30)
class ListenerControlChannelTest {


    private final FakeRelay relay = new FakeRelay();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final RecordingStatusListener status = new RecordingStatusListener();

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    @Test
    void registersWithIdAndTokenIgnoresUnknownCommandsAndAcceptsAtTheGivenAddress() throws Exception {
        try (HybridConnectionListener listener = listener(Duration.ofMinutes(60), AcceptHandler.ACCEPT_ALL)) {
            listener.open().get(10, TimeUnit.SECONDS);
            assertThat(relay.requests.poll(5, TimeUnit.SECONDS))
                    .isEqualTo("/$hc/hc/one?sb-hc-action=listen&sb-hc-id=listener-1");
            HttpHeaders headers = relay.controlHeaders.get(5, TimeUnit.SECONDS);
            SasToken token = SasToken.parse(headers.get("ServiceBusAuthorization"));
            assertThat(token.decodedResource()).isEqualTo("http://127.0.0.1/hc/one/");
            assertThat(token.keyName()).isEqualTo("owner");
            assertThat(SharedAccessSignature.verify(token, FakeRelay.KEY)).isTrue();

            Channel control = relay.control.get(5, TimeUnit.SECONDS);
            control.write(new TextWebSocketFrame("{\"bogus\":{\"x\":1}}"));
            control.write(new TextWebSocketFrame("not json"));
            control.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
            Map<String, String> connectHeaders = new LinkedHashMap<>();
            connectHeaders.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            connectHeaders.put("sec-websocket-protocol", "chat.v1, chat.v2");
            String address = "ws://127.0.0.1:" + relay.port() + "/$hc/hc/one/sfx?app=1&sb-hc-action=accept&sb-hc-id=c1";
            control.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(new AcceptCommand(address, "c1",
                    connectHeaders,
                    new RemoteEndpoint("127.0.0.1", 50000)))));

            assertThat(relay.requests.poll(5, TimeUnit.SECONDS))
                    .isEqualTo("/$hc/hc/one/sfx?app=1&sb-hc-action=accept&sb-hc-id=c1");
            assertThat(relay.rendezvousSubprotocols.poll(5, TimeUnit.SECONDS)).isEqualTo("chat.v1");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("c1: hello from the sender");
            assertThat(listener.isOnline()).isTrue();
            assertThat(status.reconnectCauses).isEmpty();
        }
    }

    @Test
    void rejectsByOpeningTheAddressWithStatusAndDescription() throws Exception {
        try (HybridConnectionListener listener = listener(Duration.ofMinutes(60),
                accept -> AcceptDecision.reject(429, "Too busy, try 100% later"))) {
            listener.open().get(10, TimeUnit.SECONDS);
            relay.requests.poll(5, TimeUnit.SECONDS);
            String address = "ws://127.0.0.1:" + relay.port() + "/$hc/hc/one?sb-hc-action=accept&sb-hc-id=c2";
            relay.control.get(5, TimeUnit.SECONDS).writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(
                    new AcceptCommand(address, "c2", Map.of(), null))));
            assertThat(relay.requests.poll(5, TimeUnit.SECONDS)).isEqualTo(
                    "/$hc/hc/one?sb-hc-action=accept&sb-hc-id=c2&sb-hc-statusCode=429"
                            + "&sb-hc-statusDescription=Too%20busy%2C%20try%20100%25%20later");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void renewsTheTokenOnTheControlChannel() throws Exception {
        try (HybridConnectionListener listener = listener(Duration.ofSeconds(2), AcceptHandler.ACCEPT_ALL)) {
            Instant opened = Instant.now();
            listener.open().get(10, TimeUnit.SECONDS);
            String renewal = relay.controlMessages.poll(10, TimeUnit.SECONDS);
            assertThat(renewal).startsWith("{\"renewToken\":{\"token\":\"SharedAccessSignature sr=");
            RenewTokenCommand command = (RenewTokenCommand) ControlCommandCodec.decode(renewal);
            SasToken token = SasToken.parse(command.token());
            assertThat(SharedAccessSignature.verify(token, FakeRelay.KEY)).isTrue();
            assertThat(token.expiresAt()).isAfter(opened.plusSeconds(2));
            assertThat(status.reconnectCauses).isEmpty();
        }
    }

    private HybridConnectionListener listener(Duration tokenTimeToLive, AcceptHandler acceptHandler) {
        return relay.listenerBuilder()
                .listenerId("listener-1")
                .tokenTimeToLive(tokenTimeToLive)
                .acceptHandler(acceptHandler)
                .connectionHandler(this::collect)
                .statusListener(status)
                .build();
    }

    private void collect(AcceptCommand accept, RelayConnection connection) {
        connection.setHandler(message -> received.add(accept.id() + ": " + message.asText()));
    }
}
