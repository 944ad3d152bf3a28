package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.websocket.UnmaskingFrameDecoder;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.net.URI;

/**
 * Netty's RFC 6455 client handshake (no extensions, masking on, no mask mismatch allowed, no {@code Origin} header
 * unless the caller sets one), with the project's frame codecs: a {@link MaskingFrameEncoder} and an
 * {@link UnmaskingFrameDecoder} (which, reading unmasked server frames, copies each payload out of the read buffers
 * once). The handshaker adds them itself when the 101 arrives, so a frame that came in the same read as the 101 is
 * already read by the project's decoder.
 */
final class RelayClientHandshaker extends WebSocketClientHandshaker13 {

    private final boolean originFromCaller;

    RelayClientHandshaker(URI uri, String subprotocol, HttpHeaders customHeaders, int maxFramePayloadLength) {
        super(uri, WebSocketVersion.V13, subprotocol, false, customHeaders, maxFramePayloadLength, true, false);
        this.originFromCaller = customHeaders != null && customHeaders.contains(HttpHeaderNames.ORIGIN);
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
        FullHttpRequest request = super.newHandshakeRequest();
        if (!originFromCaller) {
            // Netty adds one from the URI; the Hybrid Connections clients send none.
            request.headers().remove(HttpHeaderNames.ORIGIN);
        }
        return request;
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new UnmaskingFrameDecoder(false, maxFramePayloadLength());
    }

    @Override
    protected WebSocketFrameEncoder newWebSocketEncoder() {
        return new MaskingFrameEncoder();
    }
}
