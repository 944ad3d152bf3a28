package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The listeners of every node, by hybrid connection: a Hazelcast map from {@link #key(HybridConnection)} to the
 * list of {@link RemoteListener}s, changed only by entry processors (atomic on the key's owner, so the limit of
 * listeners per hybrid connection holds across the nodes), and a local copy kept by the map's events, which a
 * sender's pick reads without a network call. The entries of a node that leaves are dropped by every remaining node
 * ({@link #forgetMember}); picks skip members that already left.
 */
public final class ListenerDirectory {

    /** The Hazelcast map's name. */
    public static final String MAP_NAME = "relaysim.listeners";
    /** How long a listener's upgrade waits for its place in the cluster (not blocking its event loop). */
    static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger logger = LoggerFactory.getLogger(ListenerDirectory.class);

    private final HazelcastInstance hazelcast;
    private final IMap<String, ArrayList<RemoteListener>> map;
    private final Map<String, List<RemoteListener>> view = new ConcurrentHashMap<>();
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile UUID viewUpdater;

    ListenerDirectory(HazelcastInstance hazelcast) {
        this.hazelcast = requireNonNull(hazelcast, "hazelcast");
        map = hazelcast.getMap(MAP_NAME);
        viewUpdater = map.addEntryListener(new ViewUpdater(), true);
        copyMap();
    }

    /**
     * Makes the local copy anew from the map, after this node merged into another cluster (split brain healed): its
     * own side's entries were discarded ({@link HazelcastCluster#config}) and the other side's are the map now. The
     * map's event registration is renewed too, as the merge rejoined the node to a cluster it did not register in.
     */
    void resync() {
        map.removeEntryListener(viewUpdater);
        viewUpdater = map.addEntryListener(new ViewUpdater(), true);
        view.clear();
        copyMap();
    }

    private void copyMap() {
        for (Map.Entry<String, ArrayList<RemoteListener>> entry : map.entrySet()) {
            view.putIfAbsent(entry.getKey(), List.copyOf(entry.getValue()));
        }
    }

    /** {@code <namespace>/<hybrid connection>}, the same on every node. */
    public static String key(HybridConnection entity) {
        return entity.namespace().name() + '/' + entity.name();
    }

    /** This node's member id; read each time, as a node that merges into another cluster may get a new one. */
    String localMemberId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /**
     * Adds {@code listener} unless {@code entity} has {@code maxListeners} on the nodes together
     * ({@link Placement#FULL}); completes with {@link Placement#UNANSWERED} when the cluster did not answer within
     * {@link #REGISTER_TIMEOUT}, never exceptionally.
     */
    CompletionStage<Placement> register(HybridConnection entity, RemoteListener listener, int maxListeners) {
        CompletableFuture<Boolean> placed;
        try {
            placed = map.submitToKey(key(entity), new Register(listener, maxListeners)).toCompletableFuture();
        } catch (RuntimeException e) {
            placed = CompletableFuture.failedFuture(e);
        }
        return placed.orTimeout(REGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(Placement::of)
                .exceptionally(failure -> {
                    // The refusal the listener gets is logged; why the cluster did not answer is in it only here.
                    logger.debug("listener {} of {}: the cluster did not take its place", listener.listenerId(),
                            key(entity), failure);
                    // A place taken after all (the answer came too late) is given back: the listener was refused.
                    unregister(entity, listener);
                    return Placement.UNANSWERED;
                });
    }

    /** Removes {@code listener} (in the background: nothing waits for it). */
    void unregister(HybridConnection entity, RemoteListener listener) {
        try {
            map.submitToKey(key(entity), new Unregister(listener));
        } catch (HazelcastInstanceNotActiveException e) {
            logger.debug("listener {} not removed from the directory: the node left the cluster", listener);
        }
    }

    /** Drops every listener of a node that left. */
    void forgetMember(String memberId) {
        Map<String, Integer> removed = map.executeOnEntries(new ForgetMember(memberId));
        int count = removed.values().stream().mapToInt(Integer::intValue).sum();
        if (count > 0) {
            logger.info("cluster member {} left: {} of its listeners removed from the directory", memberId, count);
        }
    }

    /** A listener of {@code entity} on another live node, in turn. */
    Optional<RemoteListener> remote(HybridConnection entity) {
        List<RemoteListener> all = view.getOrDefault(key(entity), List.of());
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Set<String> live = liveMembers();
        String local = localMemberId();
        List<RemoteListener> candidates = all.stream()
                .filter(listener -> !listener.memberId().equals(local) && live.contains(listener.memberId()))
                .toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(candidates.get(Math.floorMod(cursor.getAndIncrement(), candidates.size())));
    }

    /** Listeners per member id, from the local copy: what {@code /health} shows. */
    public Map<String, Integer> listenersPerMember() {
        return view.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(RemoteListener::memberId, Collectors.summingInt(listener -> 1)));
    }

    /** The listeners of {@code entityKey} on every node, from the local copy. */
    public List<RemoteListener> listeners(String entityKey) {
        return view.getOrDefault(entityKey, List.of());
    }

    private Set<String> liveMembers() {
        return hazelcast.getCluster().getMembers().stream().map(member -> member.getUuid().toString())
                .collect(Collectors.toSet());
    }

    /** Keeps {@link #view} in step with the map. */
    private final class ViewUpdater implements EntryAddedListener<String, ArrayList<RemoteListener>>,
            EntryUpdatedListener<String, ArrayList<RemoteListener>>,
            EntryRemovedListener<String, ArrayList<RemoteListener>> {

        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, ArrayList<RemoteListener>> event) {
            view.put(event.getKey(), List.copyOf(event.getValue()));
        }

        @Override
        public void entryUpdated(com.hazelcast.core.EntryEvent<String, ArrayList<RemoteListener>> event) {
            view.put(event.getKey(), List.copyOf(event.getValue()));
        }

        @Override
        public void entryRemoved(com.hazelcast.core.EntryEvent<String, ArrayList<RemoteListener>> event) {
            view.remove(event.getKey());
        }
    }

    /** Adds a listener unless the key has {@code maxListeners}; runs on the key's owner. */
    private record Register(RemoteListener listener, int maxListeners)
            implements EntryProcessor<String, ArrayList<RemoteListener>, Boolean> {

        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, ArrayList<RemoteListener>> entry) {
            ArrayList<RemoteListener> listeners = entry.getValue() == null ? new ArrayList<>()
                    : new ArrayList<>(entry.getValue());
            if (listeners.contains(listener)) {
                // Registered again after a merge, its entry having survived it: it holds its place already.
                return true;
            }
            if (listeners.size() >= maxListeners) {
                return false;
            }
            listeners.add(listener);
            entry.setValue(listeners);
            return true;
        }
    }

    /** Removes one listener; the key goes with its last listener. */
    private record Unregister(RemoteListener listener)
            implements EntryProcessor<String, ArrayList<RemoteListener>, Integer> {

        private static final long serialVersionUID = 1L;

        @Override
        public Integer process(Map.Entry<String, ArrayList<RemoteListener>> entry) {
            return remove(entry, listeners -> listeners.remove(listener));
        }
    }

    /** Removes every listener of one member; answers how many. */
    private record ForgetMember(String memberId)
            implements EntryProcessor<String, ArrayList<RemoteListener>, Integer> {

        private static final long serialVersionUID = 1L;

        @Override
        public Integer process(Map.Entry<String, ArrayList<RemoteListener>> entry) {
            return remove(entry, listeners -> listeners.removeIf(listener -> listener.memberId().equals(memberId)));
        }
    }

    /**
     * Applies {@code removal} to a copy of the entry's list and stores what is left; a list left empty removes the
     * entry, so keys do not pile up for hybrid connections without listeners.
     *
     * @return how many listeners were removed
     */
    private static int remove(Map.Entry<String, ArrayList<RemoteListener>> entry,
                              Predicate<ArrayList<RemoteListener>> removal) {
        if (entry.getValue() == null) {
            return 0;
        }
        ArrayList<RemoteListener> listeners = new ArrayList<>(entry.getValue());
        int before = listeners.size();
        if (!removal.test(listeners)) {
            return 0;
        }
        entry.setValue(listeners.isEmpty() ? null : listeners);
        return before - listeners.size();
    }
}
