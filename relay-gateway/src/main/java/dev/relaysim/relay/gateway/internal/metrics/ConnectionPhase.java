package dev.relaysim.relay.gateway.internal.metrics;

/**
 * The phases of one relayed connection's setup, each timed from the end of the one before: the
 * {@value RelayMeters#PHASE} tag of {@value RelayMeters#CONNECTION_PHASE}. Together they make up the sender's
 * {@code connect} handshake.
 */
public enum ConnectionPhase {

    /** From the sender's complete upgrade request (routing, SAS check, listener choice) to its accept command handed
     *  to the listener's control channel (or to the node holding the listener), just before it can leave. */
    ACCEPT_SENT("accept_sent"),
    /** From the accept command handed over to the listener's rendezvous upgrade request claiming it: the command's
     *  write, the listener's reaction and its new connection. */
    RENDEZVOUS_OPENED("rendezvous_opened"),
    /** From the rendezvous claimed to the sender's 101 written: the listener's handshake, the move onto the sender's
     *  event loop and the sender's handshake. */
    SENDER_UPGRADED("sender_upgraded");

    private final String tagValue;

    ConnectionPhase(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }
}
