package dev.relaysim.relay.gateway.internal.metrics;

/**
 * The meters of one hybrid connection (see {@link RelayMeters}), from {@link GatewayMetrics#entity}. Thread-safe;
 * no method allocates or throws, so {@link #relayed} may be called for every frame.
 */
public interface EntityMetrics {

    /** A listener took a place (its control channel is being upgraded). */
    void listenerConnected();

    /** A listener gave its place up (its control channel closed). */
    void listenerDisconnected();

    /** A sender's upgrade is held until a listener accepts. */
    void senderHeld();

    /** A held sender got its 101 or its connection ended. Called once per {@link #senderHeld()}. */
    void senderReleased();

    /** An accept address was issued and waits for the listener. */
    void rendezvousIssued();

    /** A listener's accept claimed a waiting rendezvous. */
    void rendezvousClaimed();

    /** A waiting rendezvous was not claimed in time. */
    void rendezvousExpired();

    /** A waiting rendezvous was dropped: its sender went away or the accept command could not be sent. */
    void rendezvousAbandoned();

    /** A listener rejected a claimed rendezvous. */
    void rendezvousRejected();

    /** Both legs of a rendezvous were joined, {@code nanos} after the sender's request was complete. */
    void rendezvousCompleted(long nanos);

    /** A relayed connection (relay pair) started. */
    void connectionOpened();

    /** A relayed connection ended (both legs closed). */
    void connectionClosed();

    /**
     * A data frame of {@code bytes} payload bytes was relayed in {@code direction}; a final fragment ends a message.
     */
    void relayed(TrafficDirection direction, int bytes, boolean finalFragment);
}
