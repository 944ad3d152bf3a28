package dev.relaysim.relay.gateway.internal.control;

import java.util.Optional;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;

/** Finds the HTTP exchange waiting for the response to a request id. Thread-safe. */
@FunctionalInterface
public interface HttpResponseRouter {

    /**
     * Claims the response of {@code requestId} for the listener that sent it: only the first caller gets the
     * receiver, and only if the request went to {@code from}.
     *
     * @return empty when no exchange waits for that response from {@code from} (unknown, answered already, timed out,
     *         or sent to another listener)
     */
    Optional<HttpResponseReceiver> claimResponse(String requestId, ListenerConnection from);
}
