package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.websocket.UnmaskingFrameDecoder;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/** Builds Netty's server-side WebSocket protocol handlers the way every gateway leg uses them, and checks requests. */
public final class WebSocketUpgrades {

    /** The one {@code Sec-WebSocket-Version} the gateway speaks (RFC 6455). */
    public static final String SUPPORTED_VERSION = "13";

    /**
     * Where {@link WebSocketServerProtocolHandler} keeps a channel's handshaker (its name in Netty's constant pool:
     * {@link AttributeKey#valueOf(Class, String)} returns Netty's own key).
     */
    static final AttributeKey<WebSocketServerHandshaker> NETTY_HANDSHAKER =
            AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

    private WebSocketUpgrades() {
    }

    /**
     * Makes Netty's protocol handler for each gateway leg: path {@code /} and everything under it, no extensions,
     * close frames passed on (the gateway answers or relays them), frames up to {@code maxMessageSize}, and, when the
     * gateway closes a WebSocket without a close frame of its own, 1001 (going away). A frame that breaks the
     * protocol (1002), a frame over the maximum (1009) and invalid UTF-8 in a text message (1007) are not answered
     * by Netty's decoder or UTF-8 validator, whose close frame would bypass this handler and be followed by a second
     * one (1001): the {@code CorruptedWebSocketFrameException} reaches {@code RELAY} or {@code ERROR_HANDLER}, which
     * write the one close frame with its code through this handler.
     * <p>
     * When the handshake completes, Netty's frame decoder gives way to an {@link UnmaskingFrameDecoder} with the same
     * settings ({@link HandlerNames#FRAME_DECODER}), which unmasks payloads while copying them out of the read
     * buffers. Netty's decoder has seen no byte by then: the handshake completes in the same task that writes the
     * 101, and whatever a client sent before its 101 is refused by {@code UPGRADE_ROUTER} or reaches the new decoder
     * when the HTTP codec leaves after this event. The handshaker, which Netty keeps in a channel attribute for its
     * own close-frame handling (off here), is dropped then too.
     * <p>
     * The configuration without a subprotocol, the common case, is built once and shared by every handler (Netty's
     * configurations are immutable), not kept once per connection; the gateway makes one instance for all its
     * routers. Thread-safe.
     */
    public static final class ProtocolHandlers {

        private final ProtocolSettings protocol;
        private final WebSocketDecoderConfig decoderConfig;
        private final WebSocketServerProtocolConfig withoutSubprotocol;

        public ProtocolHandlers(ProtocolSettings protocol) {
            this.protocol = requireNonNull(protocol, "protocol");
            decoderConfig = WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(protocol.maxMessageSize())
                    .allowExtensions(false)
                    .expectMaskedFrames(true)
                    .closeOnProtocolViolation(false)
                    .build();
            withoutSubprotocol = config(null);
        }

        /**
         * @param subprotocol the one subprotocol to agree to if the client offers it, or {@code null} for none
         */
        public WebSocketServerProtocolHandler forSubprotocol(@Nullable String subprotocol) {
            return new FastDecodingProtocolHandler(subprotocol == null ? withoutSubprotocol : config(subprotocol));
        }

        private WebSocketServerProtocolConfig config(@Nullable String subprotocol) {
            return WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/")
                    .checkStartsWith(true)
                    .subprotocols(subprotocol)
                    .handleCloseFrames(false)
                    .dropPongFrames(true)
                    .sendCloseFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE)
                    .handshakeTimeoutMillis(protocol.handshakeTimeout().toMillis())
                    .decoderConfig(decoderConfig)
                    .build();
        }
    }

    /**
     * Netty's protocol handler, swapping in the {@link UnmaskingFrameDecoder} once the handshake is complete and
     * dropping the handshaker.
     */
    private static final class FastDecodingProtocolHandler extends WebSocketServerProtocolHandler {

        private final int maxFramePayloadLength;

        FastDecodingProtocolHandler(WebSocketServerProtocolConfig config) {
            super(config);
            this.maxFramePayloadLength = config.decoderConfig().maxFramePayloadLength();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof HandshakeComplete) {
                UnmaskingFrameDecoder.replaceFrameDecoder(ctx.pipeline(), true, maxFramePayloadLength);
                ctx.channel().attr(NETTY_HANDSHAKER).set(null);
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /**
     * What keeps {@code request} from being a WebSocket upgrade Netty can complete, or {@code null} if nothing
     * does.
     */
    public static String upgradeProblem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
            return request.protocolVersion() + " (expected: HTTP/1.1, as a WebSocket upgrade requires)";
        }
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
        if (!SUPPORTED_VERSION.equals(version)) {
            return "Sec-WebSocket-Version: " + version + " (expected: " + SUPPORTED_VERSION + ')';
        }
        return null;
    }

    /**
     * The status refusing a request with an {@link #upgradeProblem}: 426 (Upgrade Required) for an unsupported
     * {@code Sec-WebSocket-Version}, whose response names the supported one (RFC 6455, 4.4), else 400.
     */
    public static int problemStatus(HttpRequest request) {
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        return version != null && !SUPPORTED_VERSION.equals(version) ? 426 : 400;
    }

    /**
     * The refusal of a request that is no WebSocket upgrade Netty can complete ({@link #upgradeProblem}, answered
     * {@link #problemStatus}), or {@code null} if it is one.
     *
     * @param tracker the system tracker, {@code <host>:<path>}
     */
    public static @Nullable Refusal refusal(HttpRequest request, String tracker) {
        String problem = upgradeProblem(request);
        return problem == null ? null : Refusal.of(problemStatus(request), "BadRequest: " + problem, tracker, problem);
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
