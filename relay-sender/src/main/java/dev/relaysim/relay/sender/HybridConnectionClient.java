package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Opens relayed WebSocket connections to a hybrid connection:
 * {@code wss://host:port/$hc/<entity>?sb-hc-action=connect&sb-hc-id=<guid>} with a SAS token for
 * {@code http://<host>/<entity>/} in the {@code ServiceBusAuthorization} header. A refusal (no
 * listener, bad token, a listener's rejection) fails the future with a
 * {@link RelayHandshakeException} carrying the relay's status code and description. Thread-safe.
 */
public final class HybridConnectionClient implements AutoCloseable {

    private static final Duration DEFAULT_TOKEN_TIME_TO_LIVE = Duration.ofMinutes(60);

    private final RelayEndpoint endpoint;
    private final TokenProvider tokenProvider;
    private final Duration connectTimeout;
    private final RelayWebSocketClient client;

    /**
     * A client for the connection string's hybrid connection, over TLS, with its own event loop.
     *
     * @param sslContext TLS trust; {@code null} for the JDK's trust store
     */
    public HybridConnectionClient(ConnectionString connectionString, SslContext sslContext) {
        this(RelayEndpoint.of(requireNonNull(connectionString, "connectionString")),
                connectionString.hasCredentials() ? TokenProvider.of(connectionString) : null,
                connectionString.operationTimeoutOrDefault(), new RelayWebSocketClient(sslContext, RelayClientConfig.defaults()));
    }

    /**
     * A client for any endpoint ({@code ws} or {@code wss}), on a borrowed event loop group.
     *
     * @param tokenProvider  tokens for the {@code ServiceBusAuthorization} header; {@code null} sends none
     * @param sslContext     TLS trust for {@code wss}; {@code null} for the JDK's trust store
     * @param connectTimeout for connecting and the upgrade, which the relay holds until a listener accepts
     */
    public HybridConnectionClient(RelayEndpoint endpoint, TokenProvider tokenProvider, SslContext sslContext,
                                  RelayClientConfig config, EventLoopGroup group, Duration connectTimeout) {
        this(endpoint, tokenProvider, connectTimeout, new RelayWebSocketClient(sslContext, config, group));
    }

    /**
     * A client for the connection string's hybrid connection whose connections leave from {@code sourceAddress}, as
     * a machine with that address would (a VM in a simulated virtual network), with its own event loop.
     *
     * @param sslContext    TLS trust; {@code null} for the JDK's trust store
     * @param sourceAddress the local address to bind; {@code null} lets the system choose
     */
    public HybridConnectionClient(ConnectionString connectionString, SslContext sslContext, InetAddress sourceAddress) {
        this(connectionString, sslContext, sourceAddress, null);
    }

    /**
     * Like {@link #HybridConnectionClient(ConnectionString, SslContext, InetAddress)}, resolving the namespace host
     * through {@code resolver} (a chosen DNS server); TLS still sends and checks the real host name.
     *
     * @param resolver resolves host names; {@code null} for the system's resolver
     */
    public HybridConnectionClient(ConnectionString connectionString, SslContext sslContext, InetAddress sourceAddress,
                                  DnsHostResolver resolver) {
        this(RelayEndpoint.of(requireNonNull(connectionString, "connectionString")),
                connectionString.hasCredentials() ? TokenProvider.of(connectionString) : null,
                connectionString.operationTimeoutOrDefault(),
                new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), null, sourceAddress, resolver));
    }

    private HybridConnectionClient(RelayEndpoint endpoint, TokenProvider tokenProvider, Duration connectTimeout,
                                   RelayWebSocketClient client) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.tokenProvider = tokenProvider;
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        this.client = client;
    }

    public RelayEndpoint endpoint() {
        return endpoint;
    }

    /** Connects without a subprotocol. */
    public CompletableFuture<RelayConnection> connect() {
        return connect(null, EmptyHttpHeaders.INSTANCE);
    }

    /**
     * Connects, offering {@code subprotocol} (or none when {@code null}) and sending {@code extraHeaders},
     * which the listener sees in its accept command.
     */
    public CompletableFuture<RelayConnection> connect(String subprotocol, HttpHeaders extraHeaders) {
        requireNonNull(extraHeaders, "extraHeaders");
        HttpHeaders headers = new DefaultHttpHeaders().add(extraHeaders);
        if (tokenProvider != null) {
            try {
                headers.set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                        tokenProvider.token(endpoint.audience(), DEFAULT_TOKEN_TIME_TO_LIVE));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return client.connect(endpoint.webSocketUri(HcAction.CONNECT, UUID.randomUUID().toString()), headers, subprotocol,
                connectTimeout);
    }

    /** Releases the event loop if the client owns it, closing its connections; idempotent. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "HybridConnectionClient[" + endpoint + ']';
    }
}
