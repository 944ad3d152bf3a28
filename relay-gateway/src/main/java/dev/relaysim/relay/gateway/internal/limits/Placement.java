package dev.relaysim.relay.gateway.internal.limits;

/**
 * The cluster's answer when a node takes a place under a limit its nodes share: a listener's among its hybrid
 * connection's listeners, a sender's under its namespace's relayed connections or its hybrid connection's waiting
 * senders.
 */
public enum Placement {

    /** The place is this node's. */
    TAKEN,
    /** The nodes together hold the limit's maximum: nothing was taken. */
    FULL,
    /**
     * The cluster did not answer in time (partitions moving after a member left, a member not responding): nothing is
     * held (a place counted after all is given back), and the client may try again.
     */
    UNANSWERED;

    /** {@link #TAKEN} or {@link #FULL}, as the cluster decided. */
    public static Placement of(boolean taken) {
        return taken ? TAKEN : FULL;
    }
}
