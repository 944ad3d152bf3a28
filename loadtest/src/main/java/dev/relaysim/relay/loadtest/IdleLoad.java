package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerConnectionHandler;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code idle} scenario: K idle listeners and K idle relayed connections (each checked with one round trip)
 * held open on a gateway in its own JVM; the gateway's heap after a full GC and its resident memory are taken
 * before, after the listeners and after the pairs, and divided by K. A warm-up round of up to 500 listeners and
 * pairs, closed again, comes before. The nginx baseline holds K idle proxied
 * connections and reports nginx's resident memory per connection.
 */
final class IdleLoad {

    private static final int LISTENERS_PER_ENTITY = 25;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final long PHASE_TIMEOUT_SECONDS = 600;
    private static final double KIB = 1024.0;
    /** Listeners and pairs of the warm-up round (fewer when the run has fewer). */
    private static final int WARM_UP_CONNECTIONS = 500;

    private IdleLoad() {
    }

    /** Hybrid connections needed for {@code listeners} listeners. */
    static int entities(int listeners) {
        return (listeners + LISTENERS_PER_ENTITY - 1) / LISTENERS_PER_ENTITY;
    }

    /**
     * The {@code limits} of the gateway's configuration for {@code count} idle listeners and pairs, all from
     * 127.0.0.1: room for every control channel, sender and rendezvous connection, and a namespace quota of at least
     * the pairs.
     */
    static Map<String, Integer> limits(int count) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        limits.put(GatewaySetup.QUOTA_LIMIT, Math.max(count, GatewaySetup.DEFAULT_QUOTA));
        limits.put(GatewaySetup.PER_SOURCE_LIMIT, 3 * count + GatewaySetup.PER_SOURCE_MARGIN);
        return limits;
    }

    /**
     * Measures the relay: the gateway process must run on a setup with {@link #entities} idle hybrid connections and
     * the {@link #limits}.
     */
    static Map<String, Double> relay(GatewayProcess gateway, boolean tls, SslContext clientSsl, LoadParameters load,
                                     EventLoopGroup clientGroup, EventLoopGroup listenerGroup, Executor handlers,
                                     Progress progress) throws IOException, InterruptedException {
        int count = load.connections();
        URI namespace = URI.create(
                (tls ? "wss://127.0.0.1:" + gateway.tlsPort() : "ws://127.0.0.1:" + gateway.plainPort()) + '/');
        // A first, smaller round, closed again before the baseline: what the gateway allocates once (classes, JIT
        // code, pools) is not memory per connection.
        try (Round warmUp = new Round(namespace, entities(count), clientSsl, clientGroup, listenerGroup, handlers)) {
            int warmUpCount = Math.min(count, WARM_UP_CONNECTIONS);
            warmUp.openListeners(warmUpCount, load, "warm-up listeners", progress);
            warmUp.openPairs(warmUpCount, load, "warm-up pairs", progress);
        }
        try (Round round = new Round(namespace, entities(count), clientSsl, clientGroup, listenerGroup, handlers)) {
            long heap0 = gateway.heapUsedAfterGc();
            long rss0 = gateway.rssBytes();
            round.openListeners(count, load, "relay listeners", progress);
            long heap1 = gateway.heapUsedAfterGc();
            long rss1 = gateway.rssBytes();
            round.openPairs(count, load, "relay pairs", progress);
            long heap2 = gateway.heapUsedAfterGc();
            long rss2 = gateway.rssBytes();
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("heap KB/listener", (heap1 - heap0) / KIB / count);
            figures.put("RSS KB/listener", (rss1 - rss0) / KIB / count);
            figures.put("heap KB/pair", (heap2 - heap1) / KIB / count);
            figures.put("RSS KB/pair", (rss2 - rss1) / KIB / count);
            figures.put("gateway heap MB", heap2 / KIB / KIB);
            figures.put("gateway RSS MB", rss2 / KIB / KIB);
            return figures;
        }
    }

    /** Idle listeners spread over the idle hybrid connections, then idle relayed connections to them; closes all. */
    private static final class Round implements AutoCloseable {

        private final URI namespace;
        private final int entityCount;
        private final SslContext clientSsl;
        private final EventLoopGroup listenerGroup;
        private final Executor handlers;
        private final List<HybridConnectionListener> listeners = new ArrayList<>();
        private final List<HybridConnectionClient> clients = new ArrayList<>();
        private final List<RelayConnection> senders = new ArrayList<>();

        Round(URI namespace, int entityCount, SslContext clientSsl, EventLoopGroup clientGroup,
              EventLoopGroup listenerGroup, Executor handlers) {
            this.namespace = namespace;
            this.entityCount = entityCount;
            this.clientSsl = clientSsl;
            this.listenerGroup = listenerGroup;
            this.handlers = handlers;
            for (int e = 0; e < entityCount; e++) {
                clients.add(HybridConnectionClient.builder()
                        .endpoint(RelayEndpoint.of(namespace, GatewaySetup.IDLE_ENTITY_PREFIX + e), GatewaySetup.TOKENS)
                        .sslContext(clientSsl).eventLoopGroup(clientGroup).connectTimeout(CONNECT_TIMEOUT).build());
            }
        }

        void openListeners(int count, LoadParameters load, String what, Progress progress) throws InterruptedException {
            runBounded(count, load.inFlight(), what, progress, i -> open(listeners,
                    listener(namespace, GatewaySetup.IDLE_ENTITY_PREFIX + (i % entityCount), clientSsl, listenerGroup,
                            handlers, (accept, connection) -> connection.setHandler(new EchoBack(connection)))));
        }

        void openPairs(int count, LoadParameters load, String what, Progress progress) throws InterruptedException {
            Payloads payloads = new Payloads(load.size());
            runBounded(count, load.inFlight(), what, progress, i -> clients.get(i % entityCount).connect()
                    .thenCompose(connection -> {
                        synchronized (senders) {
                            senders.add(connection);
                        }
                        return Loads.roundTrip(connection, payloads);
                    }));
        }

        @Override
        public void close() {
            synchronized (senders) {
                senders.forEach(RelayConnection::abort);
            }
            clients.forEach(HybridConnectionClient::close);
            synchronized (listeners) {
                listeners.parallelStream().forEach(HybridConnectionListener::close);
            }
        }
    }

    /** Measures nginx: K idle connections through it, each checked with one round trip. */
    static Map<String, Double> nginx(NginxProxy nginx, WebSocketTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        int count = load.connections();
        List<RelayConnection> connections = new ArrayList<>();
        Payloads payloads = new Payloads(load.size());
        try {
            long rss0 = nginx.rssBytes();
            runBounded(count, load.inFlight(), "nginx connections", progress, i -> target.connect()
                    .thenCompose(connection -> {
                synchronized (connections) {
                    connections.add(connection);
                }
                return Loads.roundTrip(connection, payloads);
            }));
            long rss1 = nginx.rssBytes();
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("RSS KB/pair", (rss1 - rss0) / KIB / count);
            return figures;
        } finally {
            synchronized (connections) {
                connections.forEach(RelayConnection::abort);
            }
        }
    }

    /** A listener (not open yet) on hybrid connection {@code entity} of a gateway on a {@link GatewaySetup}. */
    static HybridConnectionListener listener(URI namespace, String entity, SslContext clientSsl, EventLoopGroup group,
                                             Executor handlers, ListenerConnectionHandler connectionHandler) {
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .endpoint(namespace, entity, GatewaySetup.TOKENS)
                .eventLoopGroup(group).handlerExecutor(handlers)
                .connectionHandler(connectionHandler);
        if (clientSsl != null) {
            builder.sslContext(clientSsl);
        }
        return builder.build();
    }

    /** Adds {@code listener} to {@code listeners} (which closes it in the end) and opens it. */
    static CompletableFuture<Void> open(List<HybridConnectionListener> listeners, HybridConnectionListener listener) {
        synchronized (listeners) {
            listeners.add(listener);
        }
        return listener.open();
    }

    /**
     * Starts {@code count} operations, at most {@code inFlight} at once, and waits for all; the first failure throws.
     */
    static void runBounded(int count, int inFlight, String what, Progress progress, Operation operation)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        CompletableFuture<Void> failure = new CompletableFuture<>();
        long start = System.nanoTime();
        Duration total = Duration.ofSeconds(PHASE_TIMEOUT_SECONDS);
        for (int i = 0; i < count && !failure.isDone(); i++) {
            while (!permits.tryAcquire(250, TimeUnit.MILLISECONDS)) {
                progress.show(what, Duration.ofNanos(System.nanoTime() - start), total, i + "/" + count);
            }
            int index = i;
            CompletableFuture<?> started;
            try {
                started = operation.start(index);
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((ignored, error) -> {
                if (error != null) {
                    failure.completeExceptionally(new BenchFailure(what + ": number " + index + " failed: " + error,
                            error));
                }
                permits.release();
            });
        }
        if (!permits.tryAcquire(inFlight, PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new BenchFailure(what + ": not complete within " + PHASE_TIMEOUT_SECONDS + " s");
        }
        if (failure.isCompletedExceptionally()) {
            try {
                failure.get();
            } catch (ExecutionException e) {
                throw (BenchFailure) e.getCause();
            }
        }
        progress.done(what, count + " open, checked");
    }

    /** Starts operation {@code index}. */
    @FunctionalInterface
    interface Operation {
        CompletableFuture<?> start(int index);
    }
}
