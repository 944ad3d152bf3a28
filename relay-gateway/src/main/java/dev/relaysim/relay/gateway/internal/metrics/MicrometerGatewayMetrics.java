package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Records the gateway's meters ({@link RelayMeters}) in a Micrometer registry, with Micrometer's JVM meters (memory,
 * GC, threads, class loading, CPU, uptime) and, once {@link #bindEventLoops} is called, the pending tasks of every
 * event loop. Meters are created once per tag combination and kept in fields and maps, so recording is a lookup-free
 * increment. Every recording catches {@link RuntimeException}: the first failure is logged at WARN, later ones at
 * DEBUG, and traffic is never disturbed.
 */
public final class MicrometerGatewayMetrics implements GatewayMetrics, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MicrometerGatewayMetrics.class);
    /** The histogram buckets of the latency timers, 0.5 ms to 60 s. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(5).dividedBy(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};
    /** The buckets of the connection phases, 25 us to 1 s: the targets are a fraction of a millisecond. */
    private static final Duration[] PHASE_BUCKETS = {
        micros(25), micros(50), micros(100), micros(150), micros(200), micros(300), micros(500), micros(750),
        micros(1000), micros(1500), micros(2000), micros(3000), micros(5000), micros(10_000), micros(25_000),
        micros(50_000), micros(100_000), micros(250_000), micros(500_000), micros(1_000_000)};

    private final MeterRegistry registry;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final ConcurrentMap<EntityKey, Entity> entities = new ConcurrentHashMap<>();
    private final Map<RefusalReason, Counter> refusals = new EnumMap<>(RefusalReason.class);
    private final Map<HcAction, Timer> handshakes = new EnumMap<>(HcAction.class);
    private final Map<ConnectionPhase, Timer> phases = new EnumMap<>(ConnectionPhase.class);
    private final Map<DnsAnswer, Counter> dnsQueries = new EnumMap<>(DnsAnswer.class);
    /** HTTP requests by status class, index 1 for 1xx .. 5 for 5xx. */
    private final Counter[] httpRequests = new Counter[6];
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /** Registers the JVM meters and the gateway-wide relay meters in {@code registry}. */
    public MicrometerGatewayMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (RefusalReason reason : RefusalReason.values()) {
            refusals.put(reason, Counter.builder(RelayMeters.REFUSALS)
                    .description("Requests refused with an error status, by reason")
                    .tag(RelayMeters.REASON, reason.tagValue())
                    .register(registry));
        }
        for (DnsAnswer answer : DnsAnswer.values()) {
            dnsQueries.put(answer, Counter.builder(RelayMeters.DNS_QUERIES)
                    .description("Queries the DNS responder answered, by answer kind")
                    .tag(RelayMeters.ANSWER, answer.tagValue())
                    .register(registry));
        }
        for (HcAction action : HcAction.values()) {
            handshakes.put(action, latencyTimer(RelayMeters.HANDSHAKE_LATENCY,
                    "From a complete upgrade request to its WebSocket handshake's completion",
                    Tags.of(RelayMeters.ACTION, action.wireName())));
        }
        for (ConnectionPhase phase : ConnectionPhase.values()) {
            phases.put(phase, Timer.builder(RelayMeters.CONNECTION_PHASE)
                    .description("One phase of a relayed connection's setup")
                    .tag(RelayMeters.PHASE, phase.tagValue())
                    .serviceLevelObjectives(PHASE_BUCKETS)
                    .register(registry));
        }
        for (int statusClass = 1; statusClass < httpRequests.length; statusClass++) {
            httpRequests[statusClass] = Counter.builder(RelayMeters.HTTP_REQUESTS)
                    .description("HTTP request mode requests answered, by status class")
                    .tag(RelayMeters.STATUS_CLASS, statusClass + "xx")
                    .register(registry);
        }
    }

    /** The registry the meters are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Adds {@code netty.eventexecutor.tasks.pending} for every event loop of {@code groups}. */
    public void bindEventLoops(EventExecutorGroup... groups) {
        List<EventExecutor> executors = new ArrayList<>();
        for (EventExecutorGroup group : groups) {
            for (EventExecutor executor : group) {
                executors.add(executor);
            }
        }
        new NettyEventExecutorMetrics(executors).bindTo(registry);
    }

    @Override
    public EntityMetrics entity(String namespace, String entity) {
        requireNonNull(namespace, "namespace");
        requireNonNull(entity, "entity");
        try {
            return entities.computeIfAbsent(new EntityKey(namespace, entity), Entity::new);
        } catch (RuntimeException e) {
            failed(e);
            return NoopGatewayMetrics.ENTITY;
        }
    }

    @Override
    public void refused(RefusalReason reason) {
        try {
            refusals.get(reason).increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void dnsQuery(DnsAnswer answer) {
        try {
            dnsQueries.get(answer).increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void httpRequest(int statusCode) {
        try {
            int statusClass = statusCode / 100;
            if (statusClass >= 1 && statusClass < httpRequests.length) {
                httpRequests[statusClass].increment();
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void handshakeCompleted(HcAction action, long nanos) {
        record(handshakes.get(action), nanos);
    }

    @Override
    public void connectionPhase(ConnectionPhase phase, long nanos) {
        record(phases.get(phase), nanos);
    }

    private void record(Timer timer, long nanos) {
        try {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Stops the GC notifications; the registry itself belongs to the caller. */
    @Override
    public void close() {
        gcMetrics.close();
    }

    private Timer latencyTimer(String name, String description, Tags tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    private static Duration micros(long micros) {
        return Duration.ofNanos(micros * 1000);
    }

    private void failed(RuntimeException e) {
        if (failureLogged.compareAndSet(false, true)) {
            logger.warn("recording a metric failed; metrics may be incomplete (later failures are logged at DEBUG)", e);
        } else {
            logger.debug("recording a metric failed", e);
        }
    }

    private record EntityKey(String namespace, String entity) {
    }

    /** One hybrid connection's meters, created on first use. */
    private final class Entity implements EntityMetrics {

        private final AtomicInteger listeners = new AtomicInteger();
        private final AtomicInteger sendersPending = new AtomicInteger();
        private final AtomicInteger rendezvousPending = new AtomicInteger();
        private final AtomicInteger connectionsActive = new AtomicInteger();
        private final Counter completed;
        private final Counter expired;
        private final Counter rejected;
        private final Counter abandoned;
        private final Counter connections;
        private final Timer rendezvousLatency;
        private final Counter bytesToListener;
        private final Counter bytesToSender;
        private final Counter messagesToListener;
        private final Counter messagesToSender;

        Entity(EntityKey key) {
            Tags tags = Tags.of(RelayMeters.NAMESPACE, key.namespace(), RelayMeters.ENTITY, key.entity());
            gauge(RelayMeters.LISTENERS_CONNECTED, "Listener control channels holding a place", tags, listeners);
            gauge(RelayMeters.SENDERS_PENDING, "Senders whose upgrade is held", tags, sendersPending);
            gauge(RelayMeters.RENDEZVOUS_PENDING, "Accept addresses issued and not yet claimed", tags,
                    rendezvousPending);
            gauge(RelayMeters.CONNECTIONS_ACTIVE, "Relayed connections open now", tags, connectionsActive);
            completed = counter(RelayMeters.RENDEZVOUS_COMPLETED, "Rendezvous joined into a relayed connection", tags);
            expired = counter(RelayMeters.RENDEZVOUS_EXPIRED, "Rendezvous not accepted in time", tags);
            rejected = counter(RelayMeters.RENDEZVOUS_REJECTED, "Rendezvous rejected by the listener", tags);
            abandoned = counter(RelayMeters.RENDEZVOUS_ABANDONED, "Rendezvous dropped unclaimed", tags);
            connections = counter(RelayMeters.CONNECTIONS, "Relayed connections started", tags);
            rendezvousLatency = latencyTimer(RelayMeters.RENDEZVOUS_LATENCY,
                    "From the sender's complete request to both legs joined", tags);
            Tags toListener = tags.and(RelayMeters.DIRECTION, TrafficDirection.SENDER_TO_LISTENER.tagValue());
            Tags toSender = tags.and(RelayMeters.DIRECTION, TrafficDirection.LISTENER_TO_SENDER.tagValue());
            bytesToListener = bytes(toListener);
            bytesToSender = bytes(toSender);
            messagesToListener = counter(RelayMeters.RELAYED_MESSAGES, "WebSocket messages relayed", toListener);
            messagesToSender = counter(RelayMeters.RELAYED_MESSAGES, "WebSocket messages relayed", toSender);
        }

        @Override
        public void listenerConnected() {
            listeners.incrementAndGet();
        }

        @Override
        public void listenerDisconnected() {
            listeners.decrementAndGet();
        }

        @Override
        public void senderHeld() {
            sendersPending.incrementAndGet();
        }

        @Override
        public void senderReleased() {
            sendersPending.decrementAndGet();
        }

        @Override
        public void rendezvousIssued() {
            rendezvousPending.incrementAndGet();
        }

        @Override
        public void rendezvousClaimed() {
            rendezvousPending.decrementAndGet();
        }

        @Override
        public void rendezvousExpired() {
            rendezvousPending.decrementAndGet();
            increment(expired);
        }

        @Override
        public void rendezvousAbandoned() {
            rendezvousPending.decrementAndGet();
            increment(abandoned);
        }

        @Override
        public void rendezvousRejected() {
            increment(rejected);
        }

        @Override
        public void rendezvousCompleted(long nanos) {
            try {
                completed.increment();
                rendezvousLatency.record(nanos, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void connectionOpened() {
            connectionsActive.incrementAndGet();
            increment(connections);
        }

        @Override
        public void connectionClosed() {
            connectionsActive.decrementAndGet();
        }

        @Override
        public void relayed(TrafficDirection direction, int bytes, boolean finalFragment) {
            try {
                boolean toListener = direction == TrafficDirection.SENDER_TO_LISTENER;
                (toListener ? bytesToListener : bytesToSender).increment(bytes);
                if (finalFragment) {
                    (toListener ? messagesToListener : messagesToSender).increment();
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void increment(Counter counter) {
            try {
                counter.increment();
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void gauge(String name, String description, Tags tags, AtomicInteger value) {
            Gauge.builder(name, value, AtomicInteger::get).description(description).tags(tags).strongReference(true)
                    .register(registry);
        }

        private Counter counter(String name, String description, Tags tags) {
            return Counter.builder(name).description(description).tags(tags).register(registry);
        }

        private Counter bytes(Tags tags) {
            return Counter.builder(RelayMeters.RELAYED_BYTES).description("WebSocket payload bytes relayed")
                    .baseUnit("bytes").tags(tags).register(registry);
        }
    }
}
