package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayClientBuilder;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Opens relayed WebSocket connections to a hybrid connection:
 * {@code wss://host:port/$hc/<entity>?sb-hc-action=connect&sb-hc-id=<guid>} with a SAS token for
 * {@code http://<host>/<entity>/} in the {@code ServiceBusAuthorization} header. A refusal (no
 * listener, bad token, a listener's rejection) fails the future with a
 * {@link RelayHandshakeException} carrying the relay's status code and description. Thread-safe;
 * {@link #builder()} makes one:
 * <pre>{@code
 * HybridConnectionClient client = HybridConnectionClient.builder()
 *         .connectionString(ConnectionString.parse(text))
 *         .caCertificate(Path.of(".relaysim/tls/ca.pem"))
 *         .build();
 * }</pre>
 */
public final class HybridConnectionClient implements AutoCloseable {

    private final RelayEndpoint endpoint;
    private final @Nullable TokenProvider tokenProvider;
    private final Duration tokenTimeToLive;
    private final Duration connectTimeout;
    private final RelayWebSocketClient client;

    private HybridConnectionClient(RelayClientBuilder.Settings settings, RelayClientConfig clientConfig) {
        endpoint = settings.endpoint();
        tokenProvider = settings.tokenProvider();
        tokenTimeToLive = settings.tokenTimeToLive();
        connectTimeout = settings.connectTimeout();
        client = new RelayWebSocketClient(settings.sslContext(), clientConfig, settings.eventLoopGroup(),
                settings.sourceAddress(), settings.resolver());
    }

    /** A builder; {@link Builder#connectionString} or {@link Builder#endpoint} is required. */
    public static Builder builder() {
        return new Builder();
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
    public CompletableFuture<RelayConnection> connect(@Nullable String subprotocol, HttpHeaders extraHeaders) {
        requireNonNull(extraHeaders, "extraHeaders");
        HttpHeaders headers = new DefaultHttpHeaders().add(extraHeaders);
        if (tokenProvider != null) {
            try {
                headers.set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                        tokenProvider.token(endpoint.audience(), tokenTimeToLive));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return client.connect(endpoint.webSocketUri(HcAction.CONNECT, UUID.randomUUID().toString()), headers,
                subprotocol, connectTimeout);
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

    /**
     * Configures a {@link HybridConnectionClient}: the options every client has (see {@link RelayClientBuilder}; the
     * connect timeout covers connecting and the upgrade, which the relay holds until a listener accepts) and the
     * WebSocket limits ({@link #clientConfig}).
     */
    public static final class Builder extends RelayClientBuilder<Builder> {

        private RelayClientConfig clientConfig = RelayClientConfig.defaults();

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Frame, message and receive-queue limits of the connections; default {@link RelayClientConfig#defaults()}. */
        public Builder clientConfig(RelayClientConfig clientConfig) {
            this.clientConfig = requireNonNull(clientConfig, "clientConfig");
            return this;
        }

        /**
         * A client with these options.
         *
         * @throws NullPointerException naming the endpoint when neither connection string nor endpoint was set
         * @throws java.io.UncheckedIOException if the {@link #caCertificate} file cannot be read
         */
        public HybridConnectionClient build() {
            return new HybridConnectionClient(settings(), clientConfig);
        }
    }
}
