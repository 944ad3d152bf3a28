package dev.relaysim.relay.common.client;

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
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.URI;
import java.time.Duration;
import java.util.List;
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
 *   relay.http-client-codec    HttpClientCodec        } replaced after the 101 by Netty's handshaker
 *   relay.http-aggregator      HttpObjectAggregator   } with its ws-decoder / ws-encoder
 *   relay.handshake-response   {@link HandshakeResponseRecorder}: keeps a refusal's body, removes itself
 *   (Netty's handshake handler and UTF-8 frame validator, inserted by the protocol handler)
 *   relay.websocket-protocol   WebSocketClientProtocolHandler: no extensions, handleCloseFrames=false,
 *                              answers pings, drops pongs
 *   relay.frame-aggregator     WebSocketFrameAggregator: whole messages up to maxMessageSize
 *   relay.client-connection    {@link ClientConnectionHandler}
 * </pre>
 */
final class RelayClientChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_HANDSHAKE_RESPONSE = 64 * 1024;
    private static final String HOST_NAME_VERIFICATION = "HTTPS";

    private final URI uri;
    private final SslContext sslContext;
    private final HttpHeaders headers;
    private final String subprotocol;
    private final Duration timeout;
    private final RelayClientConfig config;
    private final CompletableFuture<RelayConnection> connectFuture;

    /**
     * @param sslContext {@code null} for {@code ws}
     */
    RelayClientChannelInitializer(URI uri, SslContext sslContext, HttpHeaders headers, String subprotocol, Duration timeout,
                                  RelayClientConfig config, CompletableFuture<RelayConnection> connectFuture) {
        this.uri = uri;
        this.sslContext = sslContext;
        this.headers = headers;
        this.subprotocol = subprotocol;
        this.timeout = timeout;
        this.config = config;
        this.connectFuture = connectFuture;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (sslContext != null) {
            p.addLast(TLS, newSslHandler(ch));
        }
        p.addLast(HTTP_CLIENT_CODEC, new HttpClientCodec());
        p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
        p.addLast(HANDSHAKE_RESPONSE, new HandshakeResponseRecorder());
        p.addLast(WEBSOCKET_PROTOCOL, new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
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
        p.addLast(FRAME_AGGREGATOR, new WebSocketFrameAggregator(config.maxMessageSize()));
        p.addLast(CLIENT_CONNECTION, new ClientConnectionHandler(uri, config, connectFuture));
    }

    private SslHandler newSslHandler(SocketChannel ch) {
        String host = RelayWebSocketClient.host(uri);
        SslHandler handler = sslContext.newHandler(ch.alloc(), host, RelayWebSocketClient.port(uri));
        handler.setHandshakeTimeoutMillis(Math.max(1, timeout.toMillis()));
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(HOST_NAME_VERIFICATION);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return handler;
    }
}
