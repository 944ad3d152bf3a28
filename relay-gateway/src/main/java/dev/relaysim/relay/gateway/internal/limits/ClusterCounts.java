package dev.relaysim.relay.gateway.internal.limits;

/**
 * Counts a gateway shares with the other nodes of its cluster: a key's places are taken from one budget for all the
 * nodes together (relayed connections per namespace, waiting senders per hybrid connection). {@link #NONE} is a
 * gateway alone, whose own counters are the whole count. Thread-safe.
 */
public interface ClusterCounts {

    /** No cluster: every place is free as far as other nodes go. */
    ClusterCounts NONE = new ClusterCounts() {
        @Override
        public boolean acquire(String key, int cap) {
            return true;
        }

        @Override
        public void release(String key) {
        }
    };

    /**
     * Takes one place of {@code key} for this node unless the nodes together hold {@code cap}.
     *
     * @return false, taking nothing, when they do, or when the cluster did not answer in time
     */
    boolean acquire(String key, int cap);

    /** Gives back one place of {@code key} this node took (without waiting for the cluster). */
    void release(String key);
}
