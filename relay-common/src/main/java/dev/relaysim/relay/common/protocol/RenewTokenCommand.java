package dev.relaysim.relay.common.protocol;

import static java.util.Objects.requireNonNull;

/**
 * {@code {"renewToken":{"token":"SharedAccessSignature .."}}}: a listener replaces the token of its control
 * channel before it expires. Success gets no reply; a bad token closes the channel with 1008.
 *
 * @param token the complete token text, {@code SharedAccessSignature} prefix included
 */
public record RenewTokenCommand(String token) implements ControlCommand {

    public RenewTokenCommand {
        requireNonNull(token, "token");
    }
}
