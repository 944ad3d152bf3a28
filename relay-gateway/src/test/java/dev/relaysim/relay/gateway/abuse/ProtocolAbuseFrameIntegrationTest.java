package dev.relaysim.relay.gateway.abuse;

import dev.relaysim.relay.gateway.abuse.AbuseFixture.HealthyPair;
import dev.relaysim.relay.gateway.abuse.AbuseFixture.RawPair;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.RawWebSocket.Frame;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.relaysim.relay.gateway.abuse.AbuseFixture.bytes;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.rawControlChannel;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.BINARY;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.CLOSE;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.CONTINUATION;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.PING;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.TEXT;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.closePayload;
import static dev.relaysim.relay.gateway.testing.RawWebSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversized and invalid WebSocket frames on each leg the gateway reads frames from (a sender, a listener's
 * rendezvous, a control channel), and frames sent after a close frame. Each gets its close code, the other leg of a
 * relayed connection gets 1011, and a healthy pair opened before keeps relaying.
 */
@Timeout(60)
class ProtocolAbuseFrameIntegrationTest {

    /** A small maximum message size, so that oversized messages are cheap to send. */
    static final int MAX_MESSAGE_SIZE = 128 * 1024;

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            Duration.ofSeconds(10), Duration.ofSeconds(10), MAX_MESSAGE_SIZE, 25, Duration.ofSeconds(2))));

    /** Opened once the gateway runs ({@code @Order}: extension order is otherwise unspecified). */
    @RegisterExtension
    @Order(2)
    static final HealthyPair healthy = new HealthyPair(gateway);

    /** Where an abusive frame is sent from. */
    enum Leg { SENDER, LISTENER_RENDEZVOUS, CONTROL_CHANNEL }

    static Stream<Arguments> invalidFrames() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("unmasked client frame", frame(true, 0, TEXT, false, text("hello")), 1002));
        for (int opcode : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            cases.add(Arguments.of("reserved opcode 0x" + Integer.toHexString(opcode),
                    frame(true, 0, opcode, true, text("x")), 1002));
        }
        for (int rsv : new int[] {4, 2, 1}) {
            cases.add(Arguments.of("RSV bits " + rsv + " without an extension",
                    frame(true, rsv, TEXT, true, text("x")), 1002));
        }
        cases.add(Arguments.of("ping with 126 bytes", frame(true, 0, PING, true, bytes(126)), 1002));
        cases.add(Arguments.of("fragmented ping", frame(false, 0, PING, true, text("x")), 1002));
        cases.add(Arguments.of("continuation without a start", frame(true, 0, CONTINUATION, true, text("x")), 1002));
        cases.add(Arguments.of("new message inside a fragmented one",
                concat(frame(false, 0, TEXT, true, text("{")), frame(true, 0, BINARY, true, text("x"))), 1002));
        cases.add(Arguments.of("length not in its shortest form",
                concat(new byte[] {(byte) 0x82, (byte) (0x80 | 126), 0, 5, 1, 2, 3, 4}, bytes(5)), 1002));
        cases.add(Arguments.of("close frame with a 1-byte payload", frame(true, 0, CLOSE, true, new byte[] {3}), 1002));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1100, 2999}) {
            cases.add(Arguments.of("close frame with code " + code,
                    frame(true, 0, CLOSE, true, closePayload(code, "")), 1002));
        }
        byte[] invalidUtf8 = {'o', 'k', (byte) 0xC3, 0x28};
        cases.add(Arguments.of("invalid UTF-8 in a text frame", frame(true, 0, TEXT, true, invalidUtf8), 1007));
        cases.add(Arguments.of("invalid UTF-8 across text fragments",
                concat(frame(false, 0, TEXT, true, new byte[] {'a', (byte) 0xE2, (byte) 0x82}),
                        frame(true, 0, CONTINUATION, true, new byte[] {0x28})), 1007));
        cases.add(Arguments.of("invalid UTF-8 in a close reason", frame(true, 0, CLOSE, true,
                concat(closePayload(1000, ""), new byte[] {(byte) 0xFF})), 1007));
        List<Arguments> all = new ArrayList<>();
        for (Leg leg : Leg.values()) {
            for (Arguments arguments : cases) {
                Object[] values = arguments.get();
                all.add(Arguments.of(leg, values[0], values[1], values[2]));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1} -> {3}")
    @MethodSource("invalidFrames")
    void invalidFrameGetsItsCloseCode(Leg leg, String name, byte[] frames, int expectedCode) throws Exception {
        abuse(leg, socket -> socket.sendRaw(frames), expectedCode);
        healthy.assertUndisturbed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legs")
    void frameOverTheMaximumSizeGets1009BeforeItsPayloadArrives(Leg leg) throws Exception {
        abuse(leg, socket -> socket.sendHead(BINARY, MAX_MESSAGE_SIZE + 1L), 1009);
        healthy.assertUndisturbed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legs")
    void frameAnnouncingTwoToTheSixtyThreeBytesGets1009(Leg leg) throws Exception {
        abuse(leg, socket -> socket.sendHead(BINARY, Long.MAX_VALUE), 1009);
        healthy.assertUndisturbed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legs")
    void fragmentsSummingPastTheMaximumGet1009(Leg leg) throws Exception {
        int fragment = MAX_MESSAGE_SIZE / 3 + 1;
        int opcode = leg == Leg.CONTROL_CHANNEL ? TEXT : BINARY;
        abuse(leg, socket -> {
            socket.send(false, 0, opcode, true, bytes(fragment));
            socket.send(false, 0, CONTINUATION, true, bytes(fragment));
            socket.send(false, 0, CONTINUATION, true, bytes(fragment));
        }, 1009);
        healthy.assertUndisturbed();
    }

    static Stream<Leg> legs() {
        return Stream.of(Leg.values());
    }

    @Test
    void relayedMessagesUpToTheMaximumStillPass() throws Exception {
        try (RawPair pair = RawPair.open(gateway.get())) {
            int fragment = MAX_MESSAGE_SIZE / 2;
            pair.sender().send(false, 0, BINARY, true, bytes(fragment));
            pair.sender().send(true, 0, CONTINUATION, true, bytes(MAX_MESSAGE_SIZE - fragment));
            long received = 0;
            for (Frame frame = pair.rendezvous().read(); ; frame = pair.rendezvous().read()) {
                received += frame.payload().length;
                if (frame.fin()) {
                    break;
                }
            }
            assertThat(received).isEqualTo(MAX_MESSAGE_SIZE);
            pair.rendezvous().send(BINARY, bytes(MAX_MESSAGE_SIZE));
            // Toward the sender too, the message arrives whole, in fragments of at most 64 KiB.
            long echoed = 0;
            for (Frame frame = pair.sender().read(); ; frame = pair.sender().read()) {
                assertThat(frame.payload().length).isLessThanOrEqualTo(64 * 1024);
                echoed += frame.payload().length;
                if (frame.fin()) {
                    break;
                }
            }
            assertThat(echoed).isEqualTo(MAX_MESSAGE_SIZE);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void senderDataAfterItsCloseFrameIsDiscarded() throws Exception {
        try (RawPair pair = RawPair.open(gateway.get())) {
            pair.sender().sendRaw(concat(frame(true, 0, CLOSE, true, closePayload(1000, "bye")),
                    frame(true, 0, BINARY, true, text("after close")),
                    frame(true, 0, TEXT, true, text("after close too"))));

            Frame forwarded = pair.rendezvous().read();
            assertThat(forwarded.opcode()).as("the listener's first frame: %s", forwarded).isEqualTo(CLOSE);
            assertThat(forwarded.closeCode()).isEqualTo(1000);
            assertThat(forwarded.closeReason()).isEqualTo("bye");
            // Half-close: the listener may still send until it closes too.
            pair.rendezvous().send(TEXT, text("reply"));
            assertThat(pair.sender().read().text()).isEqualTo("reply");
            pair.rendezvous().send(CLOSE, closePayload(1000, "done"));
            assertThat(pair.sender().readClose().closeCode()).isEqualTo(1000);
            assertThat(pair.sender().readToEnd()).as("nothing after the close frame").isEmpty();
            assertThat(pair.rendezvous().readToEnd()).as("nothing after the close frame").isEmpty();
        }
        healthy.assertUndisturbed();
    }

    @Test
    void listenerDataAfterItsCloseFrameIsDiscarded() throws Exception {
        try (RawPair pair = RawPair.open(gateway.get())) {
            pair.rendezvous().sendRaw(concat(frame(true, 0, CLOSE, true, closePayload(1001, "leaving")),
                    frame(true, 0, BINARY, true, text("after close"))));

            Frame forwarded = pair.sender().read();
            assertThat(forwarded.opcode()).as("the sender's first frame: %s", forwarded).isEqualTo(CLOSE);
            assertThat(forwarded.closeCode()).isEqualTo(1001);
            pair.sender().send(CLOSE, closePayload(1000, ""));
            assertThat(pair.rendezvous().readClose().closeCode()).isEqualTo(1000);
            assertThat(pair.rendezvous().readToEnd()).as("nothing after the close frame").isEmpty();
            assertThat(pair.sender().readToEnd()).as("nothing after the close frame").isEmpty();
        }
        healthy.assertUndisturbed();
    }

    @Test
    void controlChannelDataAfterItsCloseFrameIsIgnored() throws Exception {
        try (RawWebSocket control = rawControlChannel(gateway.get())) {
            control.sendRaw(concat(frame(true, 0, CLOSE, true, closePayload(1000, "bye")),
                    frame(true, 0, TEXT, true, text("{\"renewToken\":{\"token\":\"garbage\"}}"))));
            Frame answer = control.read();
            assertThat(answer.opcode()).as("the gateway's answer: %s", answer).isEqualTo(CLOSE);
            assertThat(answer.closeCode()).isEqualTo(1000);
            assertThat(control.readToEnd()).as("nothing after the close frame").isEmpty();
        }
        healthy.assertUndisturbed();
    }

    /** What an abusive client does on its socket. */
    interface Abuse {
        void on(RawWebSocket socket) throws IOException;
    }

    /**
     * Opens {@code leg} on the abused hybrid connection, lets {@code abuse} act on it and checks that it gets a close
     * frame with {@code expectedCode} and its connection closed; on a relayed leg, that the other leg gets 1011.
     */
    private static void abuse(Leg leg, Abuse abuse, int expectedCode) throws Exception {
        if (leg == Leg.CONTROL_CHANNEL) {
            try (RawWebSocket control = rawControlChannel(gateway.get())) {
                abuse.on(control);
                assertClosedWith(control, expectedCode);
            }
            return;
        }
        try (RawPair pair = RawPair.open(gateway.get())) {
            RawWebSocket abuser = leg == Leg.SENDER ? pair.sender() : pair.rendezvous();
            RawWebSocket other = leg == Leg.SENDER ? pair.rendezvous() : pair.sender();
            abuse.on(abuser);
            assertClosedWith(abuser, expectedCode);
            assertClosedWith(other, 1011);
        }
    }

    private static void assertClosedWith(RawWebSocket socket, int code) throws IOException {
        Frame close = socket.readClose();
        assertThat(close.closeCode()).as("close frame %s", close).isEqualTo(code);
        assertThat(socket.readToEnd()).as("nothing after the close frame, then the connection closed").isEmpty();
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
