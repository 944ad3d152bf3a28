package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The cluster-wide limits' counts (relayed connections per namespace, waiting senders per hybrid connection): a
 * Hazelcast map (Community Edition: no CP subsystem, so no {@code IAtomicLong}) from a key to how many places each
 * node holds, changed only by entry processors, which run one at a time per key on its owner (and its backup), so a
 * check against the cap and the increment are one atomic step. Per-node counts rather than one number: a node that
 * leaves (or dies) has its places given back by every remaining node ({@link #forgetMember}), which a PN counter or
 * one sum could not do (a PN counter is not bounded either: it cannot refuse the place past the cap).
 * <p>Cost per connection: one entry processor round trip to the key's owner when a place is taken (asynchronous:
 * the caller's thread does not wait; at most {@link #ACQUIRE_TIMEOUT}, then unanswered), and one fire-and-forget when
 * it is given back; no call when the key's owner is this node other than the local partition operation.
 */
final class SharedCounters implements ClusterCounts {

    /** The Hazelcast map's name. */
    static final String MAP_NAME = "relaysim.counts";
    /** How long taking a place waits for the key's owner; past it the place is {@link Placement#UNANSWERED}. */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger logger = LoggerFactory.getLogger(SharedCounters.class);
    private static final CompletionStage<Placement> UNANSWERED = CompletableFuture.completedFuture(
            Placement.UNANSWERED);

    private final IMap<String, HashMap<String, Integer>> map;
    private final String localMemberId;

    SharedCounters(HazelcastInstance hazelcast) {
        map = hazelcast.getMap(MAP_NAME);
        localMemberId = hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public CompletionStage<Placement> acquire(String key, int cap) {
        requireNonNull(key, "key");
        CompletableFuture<Boolean> taken;
        try {
            taken = map.submitToKey(key, new Acquire(localMemberId, cap)).toCompletableFuture();
        } catch (RuntimeException e) {
            // The refusal the sender gets is logged; why the cluster did not answer is in it only here.
            logger.debug("a place of {} not counted: the cluster did not answer", key, e);
            return UNANSWERED;
        }
        return taken.copy().orTimeout(ACQUIRE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).thenApply(Placement::of)
                .exceptionally(failure -> {
                    logger.debug("a place of {} not counted: the cluster did not answer within {}", key,
                            ACQUIRE_TIMEOUT, failure);
                    giveBackIfTakenLate(key, taken);
                    return Placement.UNANSWERED;
                });
    }

    @Override
    public void release(String key) {
        requireNonNull(key, "key");
        try {
            map.submitToKey(key, new Release(localMemberId));
        } catch (HazelcastInstanceNotActiveException e) {
            logger.debug("a place of {} not given back: the node left the cluster (the others drop its count)", key);
        }
    }

    /** A place the caller no longer waits for is given back once the key's owner has taken it after all. */
    private void giveBackIfTakenLate(String key, CompletableFuture<Boolean> taken) {
        taken.thenAccept(late -> {
            if (late) {
                release(key);
            }
        });
    }

    /** Gives back every place a node that left held. */
    void forgetMember(String memberId) {
        Map<String, Integer> removed = map.executeOnEntries(new ForgetMember(memberId));
        int count = removed.values().stream().mapToInt(Integer::intValue).sum();
        if (count > 0) {
            logger.info("cluster member {} left: {} places it held under the cluster-wide limits given back", memberId,
                    count);
        }
    }

    /** What each node holds of {@code key}, by member id. */
    Map<String, Integer> counts(String key) {
        HashMap<String, Integer> counts = map.get(requireNonNull(key, "key"));
        return counts == null ? Map.of() : Map.copyOf(counts);
    }

    /** Takes one place for a member unless the members hold {@code cap} together; runs on the key's owner. */
    private record Acquire(String memberId, int cap)
            implements EntryProcessor<String, HashMap<String, Integer>, Boolean> {

        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, HashMap<String, Integer>> entry) {
            HashMap<String, Integer> counts = entry.getValue() == null ? new HashMap<>()
                    : new HashMap<>(entry.getValue());
            if (counts.values().stream().mapToInt(Integer::intValue).sum() >= cap) {
                return false;
            }
            counts.merge(memberId, 1, Integer::sum);
            entry.setValue(counts);
            return true;
        }
    }

    /** Gives one place of a member back (none below zero); the key goes with its last place. */
    private record Release(String memberId) implements EntryProcessor<String, HashMap<String, Integer>, Boolean> {

        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, HashMap<String, Integer>> entry) {
            if (entry.getValue() == null || !entry.getValue().containsKey(memberId)) {
                return false;
            }
            HashMap<String, Integer> counts = new HashMap<>(entry.getValue());
            counts.computeIfPresent(memberId, (member, count) -> count > 1 ? count - 1 : null);
            entry.setValue(counts.isEmpty() ? null : counts);
            return true;
        }
    }

    /** Drops a member's places; answers how many. */
    private record ForgetMember(String memberId) implements EntryProcessor<String, HashMap<String, Integer>, Integer> {

        private static final long serialVersionUID = 1L;

        @Override
        public Integer process(Map.Entry<String, HashMap<String, Integer>> entry) {
            if (entry.getValue() == null || !entry.getValue().containsKey(memberId)) {
                return 0;
            }
            HashMap<String, Integer> counts = new HashMap<>(entry.getValue());
            Integer removed = counts.remove(memberId);
            entry.setValue(counts.isEmpty() ? null : counts);
            return removed;
        }
    }
}
