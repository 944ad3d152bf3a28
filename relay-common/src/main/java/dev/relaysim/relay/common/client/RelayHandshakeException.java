package dev.relaysim.relay.common.client;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * The server answered a WebSocket upgrade with something other than {@code 101}: the relay's way
 * of refusing (401 bad token, 404 no such entity or no listener, 410 after a listener's reject,
 * the status a listener rejected a sender with, ...).
 */
public final class RelayHandshakeException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final int statusCode;
    private final String reasonPhrase;
    private final String body;

    /**
     * @param statusCode   the HTTP status code
     * @param reasonPhrase the status line's reason phrase, which carries the relay's description
     * @param body         the response body as UTF-8 text, {@code ""} if none
     */
    public RelayHandshakeException(int statusCode, String reasonPhrase, String body) {
        super(message(statusCode, requireNonNull(reasonPhrase, "reasonPhrase"), requireNonNull(body, "body")));
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
        this.body = body;
    }

    public int statusCode() {
        return statusCode;
    }

    public String reasonPhrase() {
        return reasonPhrase;
    }

    public String body() {
        return body;
    }

    /** The reason phrase, or the body when the phrase is empty. */
    public String description() {
        return reasonPhrase.isBlank() ? body.strip() : reasonPhrase;
    }

    private static String message(int statusCode, String reasonPhrase, String body) {
        StringBuilder message = new StringBuilder("upgrade refused: ").append(statusCode);
        if (!reasonPhrase.isEmpty()) {
            message.append(' ').append(reasonPhrase);
        }
        String trimmed = body.strip();
        if (!trimmed.isEmpty() && !trimmed.equals(reasonPhrase)) {
            message.append(" (body: ")
                    .append(trimmed.length() > MAX_BODY_IN_MESSAGE
                            ? trimmed.substring(0, MAX_BODY_IN_MESSAGE) + "..." : trimmed)
                    .append(')');
        }
        return message.toString();
    }
}
