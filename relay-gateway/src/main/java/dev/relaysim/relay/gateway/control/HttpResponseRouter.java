package dev.relaysim.relay.gateway.control;

import java.util.Optional;

/** Finds the HTTP exchange waiting for the response to a request id. Thread-safe. */
@FunctionalInterface
public interface HttpResponseRouter {

    /**
     * Claims the response of {@code requestId}: only the first caller gets the receiver.
     *
     * @return empty when no exchange waits for that response (unknown, answered already, timed out)
     */
    Optional<HttpResponseReceiver> claimResponse(String requestId);
}
