package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RenewTokenCommand;
import dev.relaysim.relay.common.protocol.RequestCommand;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How one control channel's messages become accept and request hand-offs, without a network. */
class ControlChannelHandlerTest {

    private static final String ADDRESS = "wss://localhost:9443/$hc/echo?sb-hc-action=accept&sb-hc-id=1";
    private static final AcceptCommand ACCEPT = new AcceptCommand(ADDRESS, "c1", Map.of(), null);
    private static final RequestCommand WITH_BODY =
            new RequestCommand(ADDRESS, "r1", "/echo/a", "POST", null, Map.of("Content-Type", "text/plain"), true);
    private static final RequestCommand WITHOUT_BODY =
            new RequestCommand(ADDRESS, "r2", "/echo/b", "GET", null, Map.of(), false);

    private final Recorder commands = new Recorder();
    private final Set<String> ignoredKinds = ControlChannelHandler.newIgnoredKinds();
    private final ControlChannelHandler handler = new ControlChannelHandler("l1", commands, ignoredKinds);

    @Test
    void acceptsAndBodilessRequestsAreHandedOnAsTheyArrive() {
        handler.onMessage(command(ACCEPT));
        handler.onMessage(command(WITHOUT_BODY));
        handler.onMessage(command(RequestCommand.addressOnly(ADDRESS, "r3")));

        assertThat(commands.events).containsExactly("accept c1", "request r2 without body", "request r3 without body");
    }

    @Test
    void aRequestThatAnnouncesABodyWaitsForTheBinaryMessageAfterIt() {
        handler.onMessage(command(WITH_BODY));
        assertThat(commands.events).isEmpty();

        handler.onMessage(RelayMessage.binary("hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(commands.events).containsExactly("request r1 with body hello");
    }

    @Test
    void aTextMessageWhereTheBodyShouldBeDropsTheRequestAndIsReadAsACommand() {
        handler.onMessage(command(WITH_BODY));
        handler.onMessage(command(ACCEPT));

        assertThat(commands.events).containsExactly("accept c1");
    }

    @Test
    void binaryUndecodableAndUnexpectedMessagesAreIgnoredAndRememberedByKind() {
        handler.onMessage(RelayMessage.binary(new byte[] {1}));
        handler.onMessage(RelayMessage.text("{not json"));
        handler.onMessage(command(new RenewTokenCommand("SharedAccessSignature sr=x")));
        handler.onMessage(RelayMessage.binary(new byte[] {2}));

        assertThat(commands.events).isEmpty();
        assertThat(ignoredKinds).containsExactlyInAnyOrder("binary", "undecodable", "RenewTokenCommand");
    }

    @Test
    void theChannelsEndIsReportedWithItsCodeAndReason() {
        handler.onClose(1001, "going away");

        assertThat(commands.events).containsExactly("closed 1001 going away");
    }

    private static RelayMessage command(ControlCommand command) {
        return RelayMessage.text(ControlCommandCodec.encode(command));
    }

    private static final class Recorder implements ControlChannelHandler.Commands {

        final List<String> events = new ArrayList<>();

        @Override
        public void accept(AcceptCommand accept) {
            events.add("accept " + accept.id());
        }

        @Override
        public void request(RequestCommand request, byte @Nullable [] body) {
            events.add("request " + request.id()
                    + (body == null ? " without body" : " with body " + new String(body, StandardCharsets.UTF_8)));
        }

        @Override
        public void closed(int code, String reason) {
            events.add("closed " + code + ' ' + reason);
        }
    }
}
