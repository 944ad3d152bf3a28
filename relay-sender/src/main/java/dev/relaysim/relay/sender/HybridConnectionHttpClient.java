package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayClientBuilder;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedStream;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Sends HTTP requests to a hybrid connection's listeners through the relay (the HTTP mode of Hybrid Connections):
 * {@code https://host:port/<entity>[/suffix][?query]} ({@code http://} for a plain endpoint) with a SAS token for
 * {@code http://<host>/<entity>/} in the {@code ServiceBusAuthorization} header, over Netty's HTTP client codec
 * with the same TLS setup as the WebSocket client (see {@link HttpSenderChannelInitializer}). One connection per
 * request; request bodies are streamed as the socket takes them, response bodies as the caller reads them.
 * Thread-safe; {@link #builder()} makes one, with the same options as {@code HybridConnectionClient}'s.
 */
public final class HybridConnectionHttpClient implements AutoCloseable {

    /** How long the relay may take to answer: its own listener deadline is 60 s, after which it answers 504. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(70);
    private static final int OWN_THREADS = 2;
    private static final int BODY_CHUNK_SIZE = 64 * 1024;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final RelayEndpoint endpoint;
    private final @Nullable TokenProvider tokenProvider;
    private final Duration tokenTimeToLive;
    private final @Nullable SslContext sslContext;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final @Nullable InetAddress sourceAddress;
    private final @Nullable DnsHostResolver resolver;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HybridConnectionHttpClient(RelayClientBuilder.Settings settings, Duration responseTimeout) {
        endpoint = settings.endpoint();
        tokenProvider = settings.tokenProvider();
        tokenTimeToLive = settings.tokenTimeToLive();
        SslContext trust = settings.sslContext();
        sslContext = endpoint.secure() && trust == null ? SslContexts.forClientWithSystemTrust() : trust;
        connectTimeout = settings.connectTimeout();
        this.responseTimeout = responseTimeout;
        sourceAddress = settings.sourceAddress();
        resolver = settings.resolver();
        EventLoopGroup borrowed = settings.eventLoopGroup();
        ownsGroup = borrowed == null;
        group = borrowed != null ? borrowed : EventLoops.newGroup("relay-http-client", OWN_THREADS);
    }

    /** A builder; {@link Builder#connectionString} or {@link Builder#endpoint} is required. */
    public static Builder builder() {
        return new Builder();
    }

    public RelayEndpoint endpoint() {
        return endpoint;
    }

    /** The URI {@code request} goes to. */
    public URI uri(RelayHttpRequest request) {
        requireNonNull(request, "request");
        return URI.create((endpoint.secure() ? "https://" : "http://") + endpoint.authority() + requestTarget(request));
    }

    /**
     * Sends {@code request}.
     *
     * @return completes with the response once its head has arrived (the body streams in as it is read), or
     *         exceptionally with the connection, TLS or I/O error or a {@link java.util.concurrent.TimeoutException};
     *         HTTP errors (the relay's and the listener's) are responses
     */
    public CompletableFuture<RelayHttpResponse> send(RelayHttpRequest request) {
        requireNonNull(request, "request");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        HttpRequest head;
        InputStream body;
        try {
            head = head(request);
            body = request.openBody();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpChunkedInput chunked = body == null ? null : new HttpChunkedInput(new ChunkedStream(body, BODY_CHUNK_SIZE));
        CompletableFuture<RelayHttpResponse> response = new CompletableFuture<>();
        HttpExchangeHandler exchange = new HttpExchangeHandler(head, chunked, responseTimeout, response);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new HttpSenderChannelInitializer(endpoint.secure() ? sslContext : null, endpoint.host(),
                        endpoint.port(), connectTimeout, exchange));
        if (sourceAddress != null) {
            bootstrap.localAddress(sourceAddress, 0);
        }
        if (resolver == null) {
            open(bootstrap, InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()), body, response);
        } else {
            resolver.resolve(endpoint.host(), endpoint.port()).whenComplete((address, failure) -> {
                if (failure != null) {
                    response.completeExceptionally(ConnectFailures.unwrap(failure));
                    closeQuietly(body);
                } else if (!response.isDone()) {
                    open(bootstrap, address, body, response);
                } else {
                    closeQuietly(body);
                }
            });
        }
        return response;
    }

    private static void open(Bootstrap bootstrap, InetSocketAddress remote, InputStream body,
                             CompletableFuture<RelayHttpResponse> response) {
        ChannelFuture connecting = bootstrap.connect(remote);
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                response.completeExceptionally(connected.cause());
                closeQuietly(body);
            }
        });
        response.whenComplete((ignored, failure) -> {
            if (failure != null) {
                connecting.channel().close();
            }
        });
    }

    /** Shuts down the event loop group if this client owns it, closing its connections; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !ownsGroup) {
            return;
        }
        EventLoops.shutdown(group, SHUTDOWN_TIMEOUT);
    }

    @Override
    public String toString() {
        return "HybridConnectionHttpClient[" + endpoint + ']';
    }

    private HttpRequest head(RelayHttpRequest request) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), requestTarget(request));
        HttpHeaders headers = head.headers();
        headers.set(HttpHeaderNames.HOST, endpoint.authority());
        headers.add(request.headers());
        if (tokenProvider != null) {
            headers.set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                    tokenProvider.token(endpoint.audience(), tokenTimeToLive));
        }
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (request.hasBody() && request.contentLength() >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, request.contentLength());
        } else if (request.hasBody()) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return head;
    }

    /** {@code /<entity segments, percent-encoded>[/<suffix>][?<query>]}, validated as a URI. */
    private String requestTarget(RelayHttpRequest request) {
        StringBuilder target = new StringBuilder();
        for (String segment : endpoint.entityPath().split("/", -1)) {
            target.append('/').append(PercentCodec.encode(segment));
        }
        if (!request.pathSuffix().isEmpty()) {
            target.append('/').append(request.pathSuffix());
        }
        if (request.query() != null) {
            target.append('?').append(request.query());
        }
        try {
            URI.create("http://" + endpoint.authority() + target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request target: '" + target
                    + "' (expected: a valid path and query; percent-encode spaces and other special characters)", e);
        }
        return target.toString();
    }

    private static void closeQuietly(@Nullable InputStream body) {
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                // Nothing was sent from it; there is nothing to report.
            }
        }
    }

    /**
     * Configures a {@link HybridConnectionHttpClient}: the options every client has (see {@link RelayClientBuilder};
     * the connect timeout covers connecting and the TLS handshake) and {@link #responseTimeout}.
     */
    public static final class Builder extends RelayClientBuilder<Builder> {

        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * How long to wait for the response head once the connection is up, and for each piece of body data;
         * default {@link #DEFAULT_RESPONSE_TIMEOUT}.
         */
        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = positive(responseTimeout, "responseTimeout");
            return this;
        }

        /**
         * A client with these options.
         *
         * @throws NullPointerException naming the endpoint when neither connection string nor endpoint was set
         * @throws java.io.UncheckedIOException if the {@link #caCertificate} file cannot be read
         */
        public HybridConnectionHttpClient build() {
            return new HybridConnectionHttpClient(settings(), responseTimeout);
        }
    }
}
