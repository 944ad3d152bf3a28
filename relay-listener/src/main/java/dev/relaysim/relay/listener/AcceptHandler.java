package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.protocol.AcceptCommand;

/**
 * Decides whether to accept a sender, from the relay's {@code accept} command (connection id,
 * the sender's upgrade headers and address). Runs on the listener's handler executor, so it may
 * block briefly; the relay waits about 30 s for the listener. A handler that throws rejects the
 * sender with 502, as the .NET SDK does.
 */
@FunctionalInterface
public interface AcceptHandler {

    /** Accepts every sender. */
    AcceptHandler ACCEPT_ALL = accept -> AcceptDecision.accept();

    AcceptDecision decide(AcceptCommand accept);
}
