package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The relay: {@code listeners} {@link HybridConnectionListener}s on one hybrid connection, each echoing every
 * message of every accepted connection, and a {@link HybridConnectionClient} whose connections the gateway pairs
 * with them through the full rendezvous (connect, accept command, rendezvous upgrade).
 */
final class RelayTarget implements EchoTarget {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long OPEN_TIMEOUT_SECONDS = 30;

    private final List<HybridConnectionListener> listeners = new ArrayList<>();
    private final HybridConnectionClient client;
    private final LongSupplier cpuNanos;
    private final LongSupplier jitNanos;
    private final GatewayPhases phases;
    private final Supplier<Map<String, Long>> loopCpuNanos;

    /**
     * Opens the listeners and waits until they are online.
     *
     * @param cpuNanos the gateway's CPU time, or {@code null} when it is not measured
     * @param jitNanos the part of it its JIT compiler threads used, or {@code null} when it is not measured
     * @param phases the gateway's connection phases, or {@code null} when its {@code /metrics} is not known
     * @param loopCpuNanos the CPU time of each of the gateway's I/O event loops, or {@code null} when not measured
     */
    RelayTarget(RelayEndpoint endpoint, TokenProvider tokens, SslContext sslContext, int listenerCount,
                EventLoopGroup clientGroup, EventLoopGroup listenerGroup, LongSupplier cpuNanos, LongSupplier jitNanos,
                GatewayPhases phases, Supplier<Map<String, Long>> loopCpuNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        requireNonNull(endpoint, "endpoint");
        this.cpuNanos = cpuNanos;
        this.jitNanos = jitNanos;
        this.phases = phases;
        this.loopCpuNanos = loopCpuNanos;
        client = HybridConnectionClient.builder().endpoint(endpoint, tokens).sslContext(sslContext)
                .eventLoopGroup(clientGroup).connectTimeout(CONNECT_TIMEOUT).build();
        URI namespaceUri = URI.create((endpoint.secure() ? "wss://" : "ws://") + endpoint.authority() + '/');
        try {
            for (int i = 0; i < listenerCount; i++) {
                HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                        .endpoint(namespaceUri, endpoint.entityPath(), tokens)
                        .eventLoopGroup(listenerGroup)
                        // The echo never blocks: each accepted connection is handed to it on its event loop, without
                        // the two thread hand-offs (to a handler thread and back) a connection costs otherwise.
                        .handlerExecutor(Runnable::run)
                        .connectionHandler((accept, connection) -> connection.setHandler(new EchoBack(connection)));
                if (sslContext != null) {
                    builder.sslContext(sslContext);
                }
                HybridConnectionListener listener = builder.build();
                listeners.add(listener);
                listener.open().get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public CompletableFuture<RelayConnection> connect() {
        return client.connect();
    }

    @Override
    public OptionalLong intermediaryCpuNanos() {
        return cpuNanos == null ? OptionalLong.empty() : OptionalLong.of(cpuNanos.getAsLong());
    }

    @Override
    public OptionalLong intermediaryJitNanos() {
        return jitNanos == null ? OptionalLong.empty() : OptionalLong.of(jitNanos.getAsLong());
    }

    @Override
    public Map<String, Long> intermediaryLoopCpuNanos() {
        return loopCpuNanos == null ? Map.of() : loopCpuNanos.get();
    }

    @Override
    public Optional<GatewayPhases> gatewayPhases() {
        return Optional.ofNullable(phases);
    }

    @Override
    public void close() {
        client.close();
        listeners.forEach(HybridConnectionListener::close);
    }
}
