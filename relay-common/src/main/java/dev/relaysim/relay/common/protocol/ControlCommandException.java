package dev.relaysim.relay.common.protocol;

/**
 * A control-channel message that is not a valid command: malformed JSON, not exactly one top-level key, an
 * unknown command, or a missing or mistyped field. The message names the command and the field.
 */
public final class ControlCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    public ControlCommandException(String message) {
        super(message);
    }

    public ControlCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
