package dev.relaysim.relay.gateway.testing;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ClusterCounts} of a node whose cluster's other nodes hold {@code heldElsewhere} places of every key:
 * this node's places are counted per key, so a test sees what it took and gave back. It answers at once.
 */
public final class SharedBudget implements ClusterCounts {

    private final int heldElsewhere;
    private final Map<String, Integer> held = new HashMap<>();

    public SharedBudget(int heldElsewhere) {
        this.heldElsewhere = heldElsewhere;
    }

    @Override
    public synchronized CompletionStage<Placement> acquire(String key, int cap) {
        int mine = held(key);
        if (mine + heldElsewhere >= cap) {
            return CompletableFuture.completedFuture(Placement.FULL);
        }
        held.put(key, mine + 1);
        return ClusterCounts.PLACE_TAKEN;
    }

    @Override
    public synchronized void release(String key) {
        held.computeIfPresent(key, (taken, count) -> count > 1 ? count - 1 : null);
    }

    /** How many places of {@code key} this node holds. */
    public synchronized int held(String key) {
        return held.getOrDefault(key, 0);
    }
}
