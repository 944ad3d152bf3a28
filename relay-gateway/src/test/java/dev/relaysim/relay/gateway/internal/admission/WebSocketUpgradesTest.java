package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's WebSocket protocol handlers on an embedded channel: the handshake, the subprotocol, what stays. */
class WebSocketUpgradesTest {

    private final WebSocketUpgrades.ProtocolHandlers handlers = new WebSocketUpgrades.ProtocolHandlers(
            TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409)).protocol());
    private InetEmbeddedChannel channel;

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void nettysOwnProtocolHandlerKeepsItsHandshakerUnderTheKeyTheGatewayClears() {
        upgrade(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).build()), null);

        assertThat(channel.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(channel.attr(WebSocketUpgrades.NETTY_HANDSHAKER).get()).isNotNull();
    }

    @Test
    void aLegKeepsNoHandshakerOnceItsHandshakeIsComplete() {
        upgrade(handlers.forSubprotocol(null), null);

        assertThat(channel.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols")
                .doesNotContainIgnoringCase("sec-websocket-protocol");
        assertThat(channel.attr(WebSocketUpgrades.NETTY_HANDSHAKER).get()).isNull();
        assertThat(channel.pipeline().names()).contains(HandlerNames.FRAME_DECODER);
    }

    @Test
    void aLegAgreesToTheOneSubprotocolItWasMadeForAndNoneWithout() {
        upgrade(handlers.forSubprotocol("chat"), "superchat, chat");
        assertThat(channel.readOutboundText()).containsIgnoringCase("sec-websocket-protocol: chat\r\n");
        channel.finishAndReleaseAll();

        upgrade(handlers.forSubprotocol(null), "chat");
        assertThat(channel.readOutboundText()).startsWith("HTTP/1.1 101 Switching Protocols")
                .doesNotContainIgnoringCase("sec-websocket-protocol");
    }

    private void upgrade(ChannelHandler protocolHandler, String offeredSubprotocols) {
        channel = InetEmbeddedChannel.loopback(40000);
        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024));
        channel.pipeline().addLast(HandlerNames.WEBSOCKET_PROTOCOL, protocolHandler);
        String[] offered = offeredSubprotocols == null ? new String[0]
                : new String[] {"Sec-WebSocket-Protocol: " + offeredSubprotocols};
        channel.writeInbound(Unpooled.copiedBuffer(RawHttp.upgradeRequest("/$hc/echo", "localhost", offered),
                StandardCharsets.US_ASCII));
    }
}
