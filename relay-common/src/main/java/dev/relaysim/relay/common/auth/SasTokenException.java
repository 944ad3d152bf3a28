package dev.relaysim.relay.common.auth;

/**
 * A SAS token that cannot be parsed; the message says which field is missing or malformed.
 */
public final class SasTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    public SasTokenException(String message) {
        super(message);
    }

    public SasTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
