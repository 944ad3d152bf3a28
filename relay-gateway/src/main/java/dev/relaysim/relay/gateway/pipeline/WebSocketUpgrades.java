package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/** Builds Netty's server-side WebSocket protocol handler the way every gateway leg uses it, and checks requests. */
public final class WebSocketUpgrades {

    private WebSocketUpgrades() {
    }

    /**
     * A protocol handler for path {@code /} and everything under it, no extensions, close frames passed on (the
     * gateway answers or relays them), frames up to {@code maxMessageSize}, and, when the gateway closes a
     * WebSocket without a close frame of its own, 1001 (going away).
     *
     * @param subprotocol the one subprotocol to agree to if the client offers it, or {@code null} for none
     */
    public static WebSocketServerProtocolHandler protocolHandler(ProtocolSettings protocol, String subprotocol) {
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(protocol.maxMessageSize())
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .closeOnProtocolViolation(true)
                .build();
        return new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(subprotocol)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .sendCloseFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE)
                .handshakeTimeoutMillis(protocol.handshakeTimeout().toMillis())
                .decoderConfig(decoderConfig)
                .build());
    }

    /**
     * What keeps {@code request} from being a WebSocket upgrade Netty can complete, or {@code null} if nothing
     * does.
     */
    public static String upgradeProblem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())) {
            return "method " + request.method() + " (expected: GET with a WebSocket upgrade)";
        }
        if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return "no 'Upgrade: websocket' header (expected: a WebSocket upgrade request)";
        }
        if (!headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return "no 'Connection: Upgrade' header (expected: a WebSocket upgrade request)";
        }
        if (!headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            return "no Sec-WebSocket-Key header (expected: a WebSocket upgrade request)";
        }
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version)) {
            return "Sec-WebSocket-Version: " + version + " (expected: 13)";
        }
        return null;
    }

    /** The first subprotocol a {@code Sec-WebSocket-Protocol} header offers, or {@code null}. */
    public static String firstSubprotocol(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (value == null) {
            return null;
        }
        for (String protocol : value.split(",")) {
            String name = protocol.strip();
            if (!name.isEmpty()) {
                return name;
            }
        }
        return null;
    }
}
