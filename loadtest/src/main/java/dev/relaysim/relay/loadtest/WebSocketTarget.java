package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/** A baseline: plain WebSocket connections to {@code uri} (the echo server, or nginx in front of it). */
final class WebSocketTarget implements EchoTarget {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final URI uri;
    private final RelayWebSocketClient client;
    private final LongSupplier cpuNanos;

    /**
     * @param cpuNanos CPU time of the intermediary, or {@code null} when there is none
     */
    WebSocketTarget(String name, URI uri, SslContext sslContext, EventLoopGroup clientGroup, LongSupplier cpuNanos) {
        this.name = requireNonNull(name, "name");
        this.uri = requireNonNull(uri, "uri");
        this.cpuNanos = cpuNanos;
        client = new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), clientGroup);
    }

    /** Where the connections go. */
    URI uri() {
        return uri;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<RelayConnection> connect() {
        return client.connect(uri, EmptyHttpHeaders.INSTANCE, null, CONNECT_TIMEOUT);
    }

    @Override
    public OptionalLong intermediaryCpuNanos() {
        return cpuNanos == null ? OptionalLong.empty() : OptionalLong.of(cpuNanos.getAsLong());
    }

    @Override
    public void close() {
        client.close();
    }
}
