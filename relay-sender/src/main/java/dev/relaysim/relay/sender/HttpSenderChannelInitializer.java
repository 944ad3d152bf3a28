package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.time.Duration;

import static dev.relaysim.relay.common.pipeline.HandlerNames.CHUNKED_WRITER;
import static dev.relaysim.relay.common.pipeline.HandlerNames.HTTP_CLIENT_CODEC;
import static dev.relaysim.relay.common.pipeline.HandlerNames.HTTP_EXCHANGE;
import static dev.relaysim.relay.common.pipeline.HandlerNames.TLS;

/**
 * The pipeline of one HTTP sender connection (one request):
 * <pre>
 *   socket
 *     |
 *   relay.tls                  SslHandler: https only; SNI = host unless an IP literal; host name verified
 *   relay.http-client-codec    HttpClientCodec: response heads up to 64 KiB, content in chunks up to 64 KiB
 *   relay.chunked-writer       ChunkedWriteHandler: writes the request body as the socket takes it
 *   relay.http-exchange        {@link HttpExchangeHandler}: the request out, the response to the caller
 * </pre>
 */
final class HttpSenderChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_HEADER_SIZE = 64 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final SslContext sslContext;
    private final String host;
    private final int port;
    private final Duration handshakeTimeout;
    private final HttpExchangeHandler exchange;

    /**
     * @param sslContext {@code null} for plain http
     * @param exchange   the connection's exchange handler
     */
    HttpSenderChannelInitializer(SslContext sslContext, String host, int port, Duration handshakeTimeout,
                                 HttpExchangeHandler exchange) {
        this.sslContext = sslContext;
        this.host = host;
        this.port = port;
        this.handshakeTimeout = handshakeTimeout;
        this.exchange = exchange;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (sslContext != null) {
            p.addLast(TLS, SslContexts.newClientHandler(sslContext, ch.alloc(), host, port, handshakeTimeout));
        }
        p.addLast(HTTP_CLIENT_CODEC, new HttpClientCodec(new HttpDecoderConfig()
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE), HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE,
                HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST));
        p.addLast(CHUNKED_WRITER, new ChunkedWriteHandler());
        p.addLast(HTTP_EXCHANGE, exchange);
    }
}
