package dev.relaysim.relay.sender;

import io.netty.handler.codec.http.HttpHeaders;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

import static java.util.Objects.requireNonNull;

/**
 * The relay's answer to a {@link RelayHttpRequest}: the listener's response (status, reason, headers, body), or
 * the relay's own error ({@code 502} when no listener is connected, {@code 401}/{@code 403}/{@code 404} for
 * token and entity problems, {@code 504} when the listener did not answer in time). The body streams in as it is
 * read; close the response (or read the body to its end) to release the connection.
 */
public final class RelayHttpResponse implements Closeable {

    private final int statusCode;
    private final String reasonPhrase;
    private final HttpHeaders headers;
    private final InputStream body;

    RelayHttpResponse(int statusCode, String reasonPhrase, HttpHeaders headers, InputStream body) {
        this.statusCode = statusCode;
        this.reasonPhrase = requireNonNull(reasonPhrase, "reasonPhrase");
        this.headers = requireNonNull(headers, "headers");
        this.body = requireNonNull(body, "body");
    }

    public int statusCode() {
        return statusCode;
    }

    /** The status line's reason phrase, which carries the listener's status description or the relay's message. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /** The response headers as received, repeated ones as separate values. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The body, streamed; empty for {@code HEAD} and bodiless statuses. */
    public InputStream body() {
        return body;
    }

    /** Reads the whole body into memory. */
    public byte[] bodyAsBytes() throws IOException {
        try (InputStream in = body) {
            return in.readAllBytes();
        }
    }

    /** Closes the body; one not read to its end closes the connection. */
    @Override
    public void close() throws IOException {
        body.close();
    }

    @Override
    public String toString() {
        return "RelayHttpResponse[" + statusCode + ' ' + reasonPhrase + ']';
    }
}
