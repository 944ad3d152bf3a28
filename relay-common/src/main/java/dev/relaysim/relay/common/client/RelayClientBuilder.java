package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The options every Hybrid Connections client has, spelled the same way for the listener and both senders: where
 * the hybrid connection is and where tokens come from ({@link #connectionString}, {@link #endpoint}), TLS trust
 * ({@link #sslContext}, {@link #caCertificate}), the network path ({@link #sourceAddress}, {@link #resolver}), the
 * event loop ({@link #eventLoopGroup}) and the timeouts ({@link #connectTimeout}, {@link #tokenTimeToLive}).
 * Invalid values fail at once, naming the value and what was expected.
 *
 * @param <B> the concrete builder, returned by every option for chaining
 */
public abstract class RelayClientBuilder<B extends RelayClientBuilder<B>> {

    /** How long the tokens a client asks for stay valid unless told otherwise. */
    public static final Duration DEFAULT_TOKEN_TIME_TO_LIVE = Duration.ofMinutes(60);
    private static final Duration MIN_TOKEN_TIME_TO_LIVE = Duration.ofSeconds(1);

    private @Nullable RelayEndpoint endpoint;
    private @Nullable TokenProvider tokenProvider;
    private @Nullable SslContext sslContext;
    private @Nullable Path caCertificate;
    private @Nullable EventLoopGroup eventLoopGroup;
    private @Nullable InetAddress sourceAddress;
    private @Nullable DnsHostResolver resolver;
    private Duration connectTimeout = ConnectionString.DEFAULT_OPERATION_TIMEOUT;
    private Duration tokenTimeToLive = DEFAULT_TOKEN_TIME_TO_LIVE;

    protected RelayClientBuilder() {
    }

    /** The concrete builder ({@code this}). */
    protected abstract B self();

    /**
     * Endpoint ({@code wss}), entity path, credentials (tokens signed with its key, or its fixed signature; none
     * without credentials) and {@link #connectTimeout} (its {@code OperationTimeout}, else 1 minute) from a
     * connection string.
     */
    public B connectionString(ConnectionString connectionString) {
        requireNonNull(connectionString, "connectionString");
        endpoint = RelayEndpoint.of(connectionString);
        tokenProvider = connectionString.hasCredentials() ? TokenProvider.of(connectionString) : null;
        connectTimeout = connectionString.operationTimeoutOrDefault();
        return self();
    }

    /**
     * The namespace URI ({@code sb://}, {@code wss://} or {@code https://} for TLS, {@code ws://} or {@code http://}
     * for plain), the hybrid connection, and where tokens come from ({@code null}: send none).
     */
    public B endpoint(URI namespace, String entityPath, @Nullable TokenProvider tokenProvider) {
        return endpoint(RelayEndpoint.of(namespace, entityPath), tokenProvider);
    }

    /** The hybrid connection, and where tokens come from ({@code null}: send none). */
    public B endpoint(RelayEndpoint endpoint, @Nullable TokenProvider tokenProvider) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.tokenProvider = tokenProvider;
        return self();
    }

    /**
     * TLS trust for {@code wss}/{@code https}; {@code null} (the default): {@link #caCertificate(Path)} if given,
     * else the JDK's trust store.
     */
    public B sslContext(@Nullable SslContext sslContext) {
        this.sslContext = sslContext;
        return self();
    }

    /** Trust only the CA certificate(s) in this PEM file (read at {@code build()}), unless an SslContext is given. */
    public B caCertificate(Path caCertificatePem) {
        caCertificate = requireNonNull(caCertificatePem, "caCertificatePem");
        return self();
    }

    /** Run on this group, which the client does not shut down; {@code null} (the default): a group of its own. */
    public B eventLoopGroup(@Nullable EventLoopGroup eventLoopGroup) {
        this.eventLoopGroup = eventLoopGroup;
        return self();
    }

    /**
     * The local address every connection leaves from, as a machine with that address would (a VM in a simulated
     * virtual network); {@code null} (the default): the system chooses.
     */
    public B sourceAddress(@Nullable InetAddress sourceAddress) {
        this.sourceAddress = sourceAddress;
        return self();
    }

    /**
     * Resolves the namespace host (and the hosts in a listener's accept and request addresses) through this resolver
     * (a chosen DNS server) instead of the system's; TLS still sends and checks the real host name. {@code null}
     * (the default): the system's.
     */
    public B resolver(@Nullable DnsHostResolver resolver) {
        this.resolver = resolver;
        return self();
    }

    /** Timeout for connecting (and, for WebSockets, the upgrade); default: the connection string's, else 1 minute. */
    public B connectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        return self();
    }

    /** Lifetime of the tokens the client asks its token provider for; default 60 minutes. */
    public B tokenTimeToLive(Duration tokenTimeToLive) {
        requireNonNull(tokenTimeToLive, "tokenTimeToLive");
        if (tokenTimeToLive.compareTo(MIN_TOKEN_TIME_TO_LIVE) < 0) {
            throw new IllegalArgumentException("tokenTimeToLive: " + tokenTimeToLive + " (expected: >= 1 s)");
        }
        this.tokenTimeToLive = tokenTimeToLive;
        return self();
    }

    /**
     * The options as given, for the concrete builder to hand to what it builds; reads {@link #caCertificate} when
     * no SslContext was given.
     *
     * @throws NullPointerException naming the options to set when neither connection string nor endpoint was set
     * @throws java.io.UncheckedIOException if the CA file cannot be read or holds no certificate
     */
    protected final Settings settings() {
        RelayEndpoint required = requireNonNull(endpoint, "endpoint (set connectionString or endpoint)");
        SslContext trust = sslContext != null ? sslContext
                : caCertificate != null ? SslContexts.forClient(caCertificate) : null;
        return new Settings(required, tokenProvider, trust, eventLoopGroup, sourceAddress, resolver, connectTimeout,
                tokenTimeToLive);
    }

    /**
     * {@code value} if it is longer than zero.
     *
     * @throws IllegalArgumentException naming {@code name} and the value otherwise
     */
    protected static Duration positive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    /**
     * The common options of one client, as {@link #settings()} hands them over.
     *
     * @param tokenProvider  {@code null}: send no token
     * @param sslContext     {@code null}: the JDK's trust store
     * @param eventLoopGroup {@code null}: a group of the client's own
     * @param sourceAddress  {@code null}: the system chooses
     * @param resolver       {@code null}: the system's resolver
     */
    public record Settings(RelayEndpoint endpoint, @Nullable TokenProvider tokenProvider,
                           @Nullable SslContext sslContext, @Nullable EventLoopGroup eventLoopGroup,
                           @Nullable InetAddress sourceAddress, @Nullable DnsHostResolver resolver,
                           Duration connectTimeout, Duration tokenTimeToLive) {

        public Settings {
            requireNonNull(endpoint, "endpoint");
            positive(connectTimeout, "connectTimeout");
            requireNonNull(tokenTimeToLive, "tokenTimeToLive");
        }
    }
}
