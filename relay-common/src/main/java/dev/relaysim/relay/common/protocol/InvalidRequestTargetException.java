package dev.relaysim.relay.common.protocol;

/**
 * A request target that the relay cannot route: not in origin form, badly percent-encoded, with an
 * empty path or an unknown {@code sb-hc-action}. The message names the offending value and what was
 * expected; it is safe to send back to the client.
 */
public final class InvalidRequestTargetException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidRequestTargetException(String message) {
        super(message);
    }

    public InvalidRequestTargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
