package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static dev.relaysim.relay.common.pipeline.HandlerNames.CLIENT_CONNECTION;
import static dev.relaysim.relay.common.pipeline.HandlerNames.FRAME_AGGREGATOR;
import static dev.relaysim.relay.common.pipeline.HandlerNames.HANDSHAKE_RESPONSE;
import static dev.relaysim.relay.common.pipeline.HandlerNames.HTTP_AGGREGATOR;
import static dev.relaysim.relay.common.pipeline.HandlerNames.HTTP_CLIENT_CODEC;
import static dev.relaysim.relay.common.pipeline.HandlerNames.TLS;
import static dev.relaysim.relay.common.pipeline.HandlerNames.WEBSOCKET_PROTOCOL;

/**
 * The pipeline of one client WebSocket, for one connect attempt:
 * <pre>
 *   socket
 *     |
 *   relay.tls                  SslHandler: wss only; SNI = host unless an IP literal; host name verified
 *   relay.http-client-codec    HttpClientCodec        } replaced after the 101 by the handshaker
 *   relay.http-aggregator      HttpObjectAggregator   } ({@link RelayClientHandshaker}) with ws-decoder, an
 *                                                       UnmaskingFrameDecoder, and ws-encoder, a
 *                                                       {@link MaskingFrameEncoder}
 *   relay.handshake-response   {@link HandshakeResponseRecorder}: keeps a refusal's body, removes itself
 *   (Netty's handshake handler and UTF-8 frame validator, inserted by the protocol handler)
 *   relay.websocket-protocol   WebSocketClientProtocolHandler: no extensions, handleCloseFrames=false,
 *                              answers pings, drops pongs
 *   relay.frame-aggregator     WebSocketFrameAggregator: whole messages up to maxMessageSize
 *                              (left out when the connection delivers fragments)
 *   relay.client-connection    {@link ClientConnectionHandler}
 * </pre>
 */
final class RelayClientChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_HANDSHAKE_RESPONSE = 64 * 1024;

    private final URI uri;
    private final SslContext sslContext;
    private final HttpHeaders headers;
    private final String subprotocol;
    private final Duration timeout;
    private final RelayClientConfig config;
    private final boolean fragments;
    private final CompletableFuture<RelayConnection> connectFuture;

    /**
     * @param sslContext {@code null} for {@code ws}
     * @param fragments  deliver frames as they arrive instead of whole messages
     */
    RelayClientChannelInitializer(URI uri, SslContext sslContext, HttpHeaders headers, String subprotocol,
                                  Duration timeout, RelayClientConfig config, boolean fragments,
                                  CompletableFuture<RelayConnection> connectFuture) {
        this.uri = uri;
        this.sslContext = sslContext;
        this.headers = headers;
        this.subprotocol = subprotocol;
        this.timeout = timeout;
        this.config = config;
        this.fragments = fragments;
        this.connectFuture = connectFuture;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (sslContext != null) {
            p.addLast(TLS, SslContexts.newClientHandler(sslContext, ch.alloc(), RelayWebSocketClient.host(uri),
                    RelayWebSocketClient.port(uri), timeout));
        }
        p.addLast(HTTP_CLIENT_CODEC, new HttpClientCodec());
        p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
        p.addLast(HANDSHAKE_RESPONSE, new HandshakeResponseRecorder());
        RelayClientHandshaker handshaker = new RelayClientHandshaker(uri, subprotocol, headers,
                config.maxFramePayloadLength());
        p.addLast(WEBSOCKET_PROTOCOL, new WebSocketClientProtocolHandler(handshaker,
                WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri)
                        .version(WebSocketVersion.V13)
                        .subprotocol(subprotocol)
                        .allowExtensions(false)
                        .customHeaders(headers)
                        .maxFramePayloadLength(config.maxFramePayloadLength())
                        .handleCloseFrames(false)
                        .sendCloseFrame(null)
                        .dropPongFrames(true)
                        .generateOriginHeader(false)
                        .handshakeTimeoutMillis(Math.max(1, timeout.toMillis()))
                        .build()));
        if (!fragments) {
            p.addLast(FRAME_AGGREGATOR, new WebSocketFrameAggregator(config.maxMessageSize()));
        }
        p.addLast(CLIENT_CONNECTION, new ClientConnectionHandler(uri, config, fragments, connectFuture));
    }
}
