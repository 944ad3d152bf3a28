package dev.relaysim.relay.gateway.internal.limits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Counts a gateway shares with the other nodes of its cluster: a key's places are taken from one budget for all the
 * nodes together (relayed connections per namespace, waiting senders per hybrid connection). {@link #NONE} is a
 * gateway alone, whose own counters are the whole count. Thread-safe.
 */
public interface ClusterCounts {

    /** What {@link #acquire} answers at once where no other node has a say. */
    CompletionStage<Placement> PLACE_TAKEN = CompletableFuture.completedFuture(Placement.TAKEN);

    /** No cluster: every place is free as far as other nodes go, taken at once. */
    ClusterCounts NONE = new ClusterCounts() {
        @Override
        public CompletionStage<Placement> acquire(String key, int cap) {
            return PLACE_TAKEN;
        }

        @Override
        public void release(String key) {
        }
    };

    /**
     * Takes one place of {@code key} for this node unless the nodes together hold {@code cap}: completes with
     * {@link Placement#FULL}, taking nothing, when they do, with {@link Placement#UNANSWERED} when the cluster did not
     * answer in time (a place the cluster counts after that is given back); never exceptionally. Completes on a
     * thread of the cluster's (already, without a cluster), never blocks the caller.
     */
    CompletionStage<Placement> acquire(String key, int cap);

    /** Gives back one place of {@code key} this node took (without waiting for the cluster). */
    void release(String key);
}
