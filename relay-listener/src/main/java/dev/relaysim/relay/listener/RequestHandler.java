package dev.relaysim.relay.listener;

/**
 * Answers the HTTP requests senders send to the hybrid connection ({@code https://<namespace>/<entity>[/...]}).
 * Runs on the listener's handler executor, one call per request, so it may block: read the request body, write
 * the response body. Set the response's status and headers before writing its body. When {@code handle} returns,
 * the response is completed (closing its body if the handler did not).
 *
 * <p>A handler that throws before any of the response was sent makes the response {@code 500}; one that throws
 * later aborts the response (the relay's rendezvous is closed with 1011, so the sender sees a truncated body).
 */
@FunctionalInterface
public interface RequestHandler {

    /** Answers every request with {@code 501}: the handler of listeners that only accept WebSocket connections. */
    RequestHandler NOT_IMPLEMENTED = (request, response) -> response.statusCode(501)
            .statusDescription("This listener accepts WebSocket connections only");

    void handle(RelayedHttpListenerRequest request, RelayedHttpListenerResponse response) throws Exception;
}
