package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.protocol.AcceptCommand;

/**
 * Receives each accepted, open relayed connection. Runs on the listener's handler executor, not
 * on an event loop, so it may call {@link RelayConnection#receive(java.time.Duration)} directly
 * or set a message handler.
 */
@FunctionalInterface
public interface ListenerConnectionHandler {

    /**
     * @param accept     the command the connection was accepted for (its id, the sender's headers and address)
     * @param connection the open connection to the sender
     */
    void onConnection(AcceptCommand accept, RelayConnection connection);
}
