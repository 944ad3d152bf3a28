package dev.relaysim.relay.gateway.internal.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.relaysim.relay.gateway.config.DataFiles;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.registry.NamespaceStateFile;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The management state (namespaces, hybrid connections, rules and keys, the network model with its private endpoints
 * and their connection states) shared by the nodes of a cluster, so that a change through any node's management API
 * acts on every node.
 *
 * <p>One entry of the Hazelcast map {@value #MAP} holds the whole state as a {@link Version}: a number and the two
 * documents of the state files ({@link NamespaceStateFile}, {@link NetworkStateFile}). A node's own change runs
 * through {@link #sequence} (the registry's and the network state's sequencer): under the entry's lock (a map lock,
 * Community Edition; no CP subsystem) the node first takes any newer version, then changes its state (which saves it
 * in its data directory, if it has one, and acts on its connections), then puts the next version. The other nodes get
 * it through an entry listener, on one thread per node in the map's order of events, and apply it with
 * {@link NamespaceRegistry#replace} and {@link NetworkState#replace}: saved there too, with the same side effects
 * (connections closed with 1008 when their endpoint is rejected, listeners of a deleted hybrid connection with 1001),
 * and never sent back (a node applies only versions above the one it has). A node that joins takes the cluster's
 * version, which wins over its configured or saved state (logged); the first node of a cluster puts its own.
 *
 * <p>Under the lock the entry is the truth: a node takes it whenever it differs from its own state, even with a lower
 * number. That is what happens after a split brain heals: Hazelcast merges the smaller side's entry into the larger
 * side's (its default merge policy keeps the larger side's), and the smaller side's nodes, told by the
 * {@link LifecycleState#MERGED} event, take the larger side's state in place of the changes made on their side.
 */
final class SharedManagementState implements AutoCloseable {

    /** The Hazelcast map holding the shared state. */
    static final String MAP = "relaysim.management";
    /** The map's only key. */
    static final String KEY = "state";
    /** How long a change waits for another node's change to finish. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger logger = LoggerFactory.getLogger(SharedManagementState.class);

    private final IMap<String, String> map;
    private final NamespaceRegistry registry;
    private final NetworkState network;
    private final String node;
    /** Applies the other nodes' versions in the order of their events. */
    private final ExecutorService applier;
    /** Serializes this node's changes and the versions it applies; guards {@link #applied}. */
    private final Object monitor = new Object();
    private final HazelcastInstance hazelcast;
    private final UUID listenerId;
    private final UUID lifecycleListenerId;
    /** The version this node's state is; 0 before any, {@link #UNKNOWN} after a change it could not share. */
    private long applied;

    private static final long UNKNOWN = -1;

    /** Where a version comes from, which decides whether this node takes it. */
    private enum Source {
        /** The entry as this node joins, under the lock: taken. */
        JOIN,
        /** The entry under the lock before one of this node's changes: taken when it differs from this node's. */
        LOCKED,
        /** The entry under the lock after a split brain healed: taken when it differs from this node's. */
        MERGE,
        /** An event of the map: taken when newer than this node's (events arrive in order). */
        EVENT
    }

    /**
     * The whole management state as one version: the documents of {@code namespaces-state.json} and
     * {@code network-state.json}, as the map holds it (JSON text).
     */
    record Version(long number, String node, JsonNode namespaces, JsonNode network) {

        Version {
            requireNonNull(node, "node");
            requireNonNull(namespaces, "namespaces");
            requireNonNull(network, "network");
        }

        static Version of(long number, String node, List<NamespaceConfig> namespaces, NetworkModel model) {
            return new Version(number, node, NamespaceStateFile.document(namespaces), NetworkStateFile.document(model));
        }

        /** @throws IllegalArgumentException when {@code json} is not a version's document */
        static Version parse(String json) {
            JsonNode root;
            try {
                root = DataFiles.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("management state: not JSON (" + e.getOriginalMessage() + ')', e);
            }
            if (!root.path("version").canConvertToLong() || !root.path("node").isTextual()
                    || !root.path("namespaces").isObject() || !root.path("network").isObject()) {
                throw new IllegalArgumentException("management state: " + root.fieldNames() + " (expected: version, "
                        + "node, namespaces and network)");
            }
            return new Version(root.get("version").longValue(), root.get("node").textValue(), root.get("namespaces"),
                    root.get("network"));
        }

        String json() {
            ObjectNode root = DataFiles.MAPPER.createObjectNode();
            root.put("version", number).put("node", node);
            root.set("namespaces", namespaces);
            root.set("network", network);
            return root.toString();
        }
    }

    private SharedManagementState(HazelcastInstance hazelcast, NamespaceRegistry registry, NetworkState network,
                                  String node) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(MAP);
        this.registry = registry;
        this.network = network;
        this.node = node;
        applier = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "relaysim-management-state");
            thread.setDaemon(true);
            return thread;
        });
        listenerId = map.addEntryListener(new VersionListener(), KEY, true);
        lifecycleListenerId = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGED) {
                handOver(this::resynchronize);
            }
        });
    }

    /**
     * Joins the shared state: takes the cluster's version (it replaces this node's namespaces and network state,
     * logged when they differed), or puts this node's as the first; from then on every change of {@code registry}
     * and {@code network} is shared.
     *
     * @param node this node's name in the log of the other nodes ({@code address:port})
     * @throws IllegalStateException when the cluster's state cannot be applied here (the message says why) or the
     *                               lock was not granted
     */
    static SharedManagementState join(HazelcastInstance hazelcast, NamespaceRegistry registry, NetworkState network,
                                      String node) {
        SharedManagementState shared = new SharedManagementState(requireNonNull(hazelcast, "hazelcast"),
                requireNonNull(registry, "registry"), requireNonNull(network, "network"), requireNonNull(node, "node"));
        try {
            shared.locked(() -> {
                Optional<Version> current = shared.current();
                if (current.isPresent()) {
                    shared.adopt(current.get(), Source.JOIN);
                } else {
                    shared.publish();
                    logger.info("management state: the cluster had none; this node's namespaces and network state "
                            + "are the cluster's (version {})", shared.applied);
                }
            });
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        registry.sequenceUpdatesWith(shared::sequence);
        network.sequenceUpdatesWith(shared::sequence);
        return shared;
    }

    /**
     * Runs one of this node's changes in the cluster's order: under the map's lock, on the latest version, then
     * shares the result as the next version. A change that throws is not shared.
     */
    void sequence(Runnable change) {
        locked(() -> {
            current().ifPresent(version -> adopt(version, Source.LOCKED));
            change.run();
            publish();
        });
    }

    /**
     * Takes the cluster's entry as it is now, under the lock, whatever its number: this node's state may have moved
     * away from it (a split brain healed); puts this node's when the cluster has none.
     */
    void resynchronize() {
        try {
            locked(() -> {
                Optional<Version> current = current();
                if (current.isPresent()) {
                    adopt(current.get(), Source.MERGE);
                } else {
                    publish();
                }
            });
        } catch (RuntimeException e) {
            logger.error("management state: not resynchronized with the cluster ({}); this node takes the cluster's "
                    + "state with its next change", e.getMessage(), e);
        }
    }

    /** The version this node's state is (0 before any). */
    long appliedVersion() {
        synchronized (monitor) {
            return applied;
        }
    }

    private void locked(Runnable action) {
        boolean locked;
        try {
            locked = map.tryLock(KEY, LOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster's management lock", e);
        }
        if (!locked) {
            throw new IllegalStateException("the cluster's management state stayed locked by another node's change "
                    + "for " + LOCK_TIMEOUT.toSeconds() + " s; nothing changed");
        }
        try {
            synchronized (monitor) {
                action.run();
            }
        } finally {
            map.unlock(KEY);
        }
    }

    private Optional<Version> current() {
        String json = map.get(KEY);
        return json == null ? Optional.empty() : Optional.of(Version.parse(json));
    }

    /** Puts this node's state as the next version; on failure this node takes the cluster's with its next change. */
    private void publish() {
        long next = Math.max(applied, 0) + 1;
        try {
            map.set(KEY, Version.of(next, node, registry.configs(), network.current()).json());
        } catch (RuntimeException e) {
            applied = UNKNOWN;
            throw new IllegalStateException("management state: the change applies on this node but could not be "
                    + "shared with the cluster: " + e, e);
        }
        applied = next;
    }

    /**
     * Makes this node's state {@code version}: from an {@linkplain Source#EVENT event} only when it is newer than the
     * one this node has, from the entry under the lock when it differs. Namespaces go first unless the network state
     * names a namespace the version drops (the network state is then changed first, as the management API deletes a
     * namespace), so that the saved network state never names a namespace the saved namespaces lack.
     *
     * @throws IllegalStateException when the version cannot be applied here
     */
    private void adopt(Version version, Source source) {
        if (source == Source.EVENT && version.number() <= applied) {
            return;
        }
        try {
            List<NamespaceConfig> namespaces = NamespaceStateFile.namespaces(version.namespaces());
            Set<String> names = namespaces.stream().map(namespace -> namespace.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.toSet());
            NetworkModel model = NetworkStateFile.model(version.network(), names);
            boolean namespacesDiffer = !NamespaceStateFile.document(registry.configs()).equals(version.namespaces());
            boolean networkDiffers = !NetworkStateFile.document(network.current()).equals(version.network());
            if (source == Source.LOCKED && version.number() == applied && !namespacesDiffer && !networkDiffers) {
                return;
            }
            boolean networkFirst = network.current().namespaces().stream().map(NamespaceNetwork::namespace)
                    .anyMatch(name -> !names.contains(name.toLowerCase(Locale.ROOT)));
            if (networkFirst && networkDiffers) {
                network.replace(model);
            }
            if (namespacesDiffer) {
                registry.replace(namespaces);
            }
            if (!networkFirst && networkDiffers) {
                network.replace(model);
            }
            long before = applied;
            applied = version.number();
            String changed = namespacesDiffer && networkDiffers ? "namespaces and network state"
                    : namespacesDiffer ? "namespaces" : networkDiffers ? "network state" : "";
            switch (source) {
                case JOIN -> logger.info("management state: took the cluster's version {} (last changed by {}){}",
                        version.number(), version.node(), changed.isEmpty() ? ", the same as this node's"
                                : "; it replaced this node's own " + changed + " (the cluster's state wins over a "
                                + "joining node's)");
                case MERGE -> logger.warn("management state: after a split brain took the cluster's version {} (last "
                        + "changed by {}) in place of this node's version {}{}", version.number(), version.node(),
                        before, changed.isEmpty() ? ", the same state" : "; changes made on this side are lost ("
                                + changed + ')');
                case LOCKED, EVENT -> logger.info("management state: version {} from {} applied ({})",
                        version.number(), version.node(), changed.isEmpty() ? "nothing changed here" : changed);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("management state: the cluster's version " + version.number() + " (from "
                    + version.node() + ") cannot be applied on this node: " + e.getMessage(), e);
        }
    }

    /** A version another node put (or this node's own, which it has already). */
    private void received(String json) {
        synchronized (monitor) {
            try {
                adopt(Version.parse(json), Source.EVENT);
            } catch (RuntimeException e) {
                logger.error("{}; this node keeps its state until a later version applies", e.getMessage(), e);
            }
        }
    }

    /** Runs {@code task} on the applier thread, after the versions handed over before it; nothing after close. */
    private void handOver(Runnable task) {
        try {
            applier.execute(task);
        } catch (RejectedExecutionException e) {
            logger.debug("management state task after close ignored");
        }
    }

    /** Stops following the cluster's versions; idempotent. */
    @Override
    public void close() {
        applier.shutdownNow();
        try {
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListenerId);
            map.removeEntryListener(listenerId);
        } catch (RuntimeException e) {
            logger.debug("management state listener not removed: {}", e.toString());
        }
    }

    /** Hands the map's events to the applier thread, in their order. */
    private final class VersionListener implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String>, EntryMergedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            handOver(event);
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            handOver(event);
        }

        @Override
        public void entryMerged(EntryEvent<String, String> event) {
            handOver(event);
        }

        private void handOver(EntryEvent<String, String> event) {
            String json = event.getValue();
            if (json != null) {
                SharedManagementState.this.handOver(() -> received(json));
            }
        }
    }
}
