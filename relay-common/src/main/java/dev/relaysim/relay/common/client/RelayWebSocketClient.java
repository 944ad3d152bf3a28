package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Opens WebSocket connections ({@code ws} and {@code wss}) to the relay with Netty's client
 * protocol handler; see {@link RelayClientChannelInitializer} for the pipeline. Thread-safe; one
 * client serves any number of connections.
 *
 * <p>A client either owns its event loop group (created by the constructor without one, shut
 * down by {@link #close()}) or borrows one that the caller shuts down.
 */
public final class RelayWebSocketClient implements AutoCloseable {

    private static final int OWN_THREADS = 2;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext sslContext;
    private final RelayClientConfig config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SslContext systemTrust;
    private final InetAddress sourceAddress;
    private final DnsHostResolver resolver;

    /**
     * A client with its own event loop group.
     *
     * @param sslContext for {@code wss}; {@code null} means the JDK's default trust store
     */
    public RelayWebSocketClient(@Nullable SslContext sslContext, RelayClientConfig config) {
        this(EventLoops.newGroup("relay-client", OWN_THREADS), true, sslContext, config);
    }

    /**
     * A client on {@code group}, which it does not shut down.
     *
     * @param sslContext for {@code wss}; {@code null} means the JDK's default trust store
     */
    public RelayWebSocketClient(@Nullable SslContext sslContext, RelayClientConfig config, EventLoopGroup group) {
        this(requireNonNull(group, "group"), false, sslContext, config);
    }

    /**
     * A client whose connections leave from {@code sourceAddress} (an ephemeral port), as a machine with that address
     * would: a listener or sender inside a simulated virtual network.
     *
     * @param sslContext    for {@code wss}; {@code null} means the JDK's default trust store
     * @param group         the event loop group, which the client does not shut down; {@code null} for one of its own
     * @param sourceAddress the local address to bind; {@code null} lets the system choose
     */
    public RelayWebSocketClient(@Nullable SslContext sslContext, RelayClientConfig config,
                                @Nullable EventLoopGroup group, @Nullable InetAddress sourceAddress) {
        this(sslContext, config, group, sourceAddress, null);
    }

    /**
     * A client whose connections leave from {@code sourceAddress} and which resolves host names through
     * {@code resolver} (a chosen DNS server), connecting to the resolved address while TLS still sends and verifies
     * the host name of the URI.
     *
     * @param group         the event loop group, which the client does not shut down; {@code null} for one of its own
     * @param sourceAddress the local address to bind; {@code null} lets the system choose
     * @param resolver      resolves host names; {@code null} for the system's resolver
     */
    public RelayWebSocketClient(@Nullable SslContext sslContext, RelayClientConfig config,
                                @Nullable EventLoopGroup group, @Nullable InetAddress sourceAddress,
                                @Nullable DnsHostResolver resolver) {
        this(group != null ? group : EventLoops.newGroup("relay-client", OWN_THREADS), group == null, sslContext,
                config, sourceAddress, resolver);
    }

    private RelayWebSocketClient(EventLoopGroup group, boolean ownsGroup, SslContext sslContext,
            RelayClientConfig config) {
        this(group, ownsGroup, sslContext, config, null, null);
    }

    private RelayWebSocketClient(EventLoopGroup group, boolean ownsGroup, SslContext sslContext,
            RelayClientConfig config,
                                 InetAddress sourceAddress, DnsHostResolver resolver) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.sslContext = sslContext;
        this.config = requireNonNull(config, "config");
        this.sourceAddress = sourceAddress;
        this.resolver = resolver;
    }

    /**
     * Connects and completes the WebSocket upgrade.
     *
     * @param uri          {@code ws://} or {@code wss://} URI; path and query are sent as they are (raw)
     * @param extraHeaders headers added to the upgrade request
     * @param subprotocol  the {@code Sec-WebSocket-Protocol} to offer, or {@code null}
     * @param timeout      for connecting, TLS and the upgrade together
     * @return completes with the open connection, or exceptionally with a {@link RelayHandshakeException}
     *         when the server refused the upgrade, a {@link TimeoutException}, or the I/O or TLS error
     */
    public CompletableFuture<RelayConnection> connect(URI uri, HttpHeaders extraHeaders, @Nullable String subprotocol,
                                                      Duration timeout) {
        return connect(uri, extraHeaders, subprotocol, timeout, false);
    }

    /**
     * Connects like {@link #connect(URI, HttpHeaders, String, Duration)}; with {@code fragments} the
     * connection delivers every received frame as it arrives, as a {@link RelayMessage} fragment
     * ({@link RelayMessage#isFinal()} marks a message's last one, continuation frames carry the type of
     * the message they belong to), so that messages of any size can be streamed: the
     * {@link RelayClientConfig#maxMessageSize()} limit then does not apply, while the receive queue's
     * limits still pause reading.
     */
    public CompletableFuture<RelayConnection> connect(URI uri, HttpHeaders extraHeaders, @Nullable String subprotocol,
                                                      Duration timeout, boolean fragments) {
        requireNonNull(uri, "uri");
        requireNonNull(extraHeaders, "extraHeaders");
        requireNonNull(timeout, "timeout");
        boolean secure = isSecure(uri);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: a host)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        CompletableFuture<RelayConnection> result = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders().add(extraHeaders);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
                .handler(new RelayClientChannelInitializer(uri, secure ? sslContext() : null, headers, subprotocol,
                        timeout, config, fragments, result));
        if (sourceAddress != null) {
            bootstrap.localAddress(sourceAddress, 0);
        }
        if (resolver == null) {
            open(bootstrap, uri, InetSocketAddress.createUnresolved(host(uri), port(uri)), timeout, result);
        } else {
            resolver.resolve(host(uri), port(uri)).whenComplete((address, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(ConnectFailures.unwrap(failure));
                } else if (!result.isDone()) {
                    open(bootstrap, uri, address, timeout, result);
                }
            });
        }
        return result;
    }

    private static void open(Bootstrap bootstrap, URI uri, InetSocketAddress remote, Duration timeout,
                             CompletableFuture<RelayConnection> result) {
        ChannelFuture connecting = bootstrap.connect(remote);
        Channel channel = connecting.channel();
        ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
            if (result.completeExceptionally(new TimeoutException(
                    "no WebSocket connection to " + host(uri) + ':' + port(uri) + " within " + timeout.toMillis()
                    + " ms"))) {
                channel.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        connecting.addListener(future -> {
            if (!future.isSuccess()) {
                result.completeExceptionally(future.cause());
            }
        });
        result.whenComplete((connection, failure) -> {
            deadline.cancel(false);
            if (failure != null) {
                channel.close();
            }
        });
    }

    public RelayClientConfig config() {
        return config;
    }

    /** The local address connections leave from, or empty when the system chooses. */
    public Optional<InetAddress> sourceAddress() {
        return Optional.ofNullable(sourceAddress);
    }

    /** The event loop group connections run on. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Shuts down the event loop group if this client owns it, closing its connections; idempotent.
     * Waits for the shutdown unless called from one of the group's own threads.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !ownsGroup) {
            return;
        }
        EventLoops.shutdown(group, SHUTDOWN_TIMEOUT);
    }

    /** The host of {@code uri} without IPv6 brackets. */
    static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of {@code uri}, or the scheme's default. */
    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return isSecure(uri) ? 443 : 80;
    }

    private static boolean isSecure(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "wss":
                return true;
            case "ws":
                return false;
            default:
                throw new IllegalArgumentException("uri: " + uri + " (expected: ws:// or wss://)");
        }
    }

    private SslContext sslContext() {
        if (sslContext != null) {
            return sslContext;
        }
        SslContext trust = systemTrust;
        if (trust == null) {
            trust = SslContexts.forClientWithSystemTrust();
            systemTrust = trust;
        }
        return trust;
    }
}
