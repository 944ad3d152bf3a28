package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import org.jspecify.annotations.Nullable;

import java.io.InputStream;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP request relayed to the listener: what the relay's {@code request} command says, and the body as a
 * stream. Bodies that came on the control channel (up to 64 KiB) are in memory; larger ones arrive on a
 * rendezvous WebSocket and are read from it as the handler reads the stream, at most the client's receive queue
 * ahead (8 MiB by default). Named as in Microsoft's .NET SDK; what a sender sends is the sender library's
 * {@code RelayHttpRequest}.
 */
public final class RelayedHttpListenerRequest {

    private final String id;
    private final String method;
    private final String requestTarget;
    private final HttpHeaders headers;
    private final RemoteEndpoint remoteEndpoint;
    private final boolean hasBody;
    private final InputStream body;

    RelayedHttpListenerRequest(String id, String method, String requestTarget, Map<String, String> headers,
                               RemoteEndpoint remoteEndpoint, boolean hasBody, InputStream body) {
        this.id = requireNonNull(id, "id");
        this.method = requireNonNull(method, "method");
        this.requestTarget = requireNonNull(requestTarget, "requestTarget");
        String[] pairs = new String[headers.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            pairs[i++] = header.getKey();
            pairs[i++] = header.getValue();
        }
        this.headers = new ReadOnlyHttpHeaders(false, pairs);
        this.remoteEndpoint = remoteEndpoint;
        this.hasBody = hasBody;
        this.body = requireNonNull(body, "body");
    }

    /** The relay's id of this request. */
    public String id() {
        return id;
    }

    public String method() {
        return method;
    }

    /**
     * Origin-form path and query, entity path included, {@code sb-hc-*} parameters removed, as the relay sends it:
     * the path percent-decoded ({@code /echo/a b} for {@code /echo/a%20b}, UTF-8 escapes as their characters) except
     * {@code '%'}, {@code '?'}, {@code '#'} and control characters, the query as the sender sent it. See
     * {@code docs/protocol.md}.
     */
    public String requestTarget() {
        return requestTarget;
    }

    /** The path part of {@link #requestTarget()} (up to its first {@code '?'}), decoded as described there. */
    public String path() {
        int query = requestTarget.indexOf('?');
        return query < 0 ? requestTarget : requestTarget.substring(0, query);
    }

    /** The query of {@link #requestTarget()} without {@code '?'}, still percent-encoded; {@code null} if none. */
    public @Nullable String query() {
        int query = requestTarget.indexOf('?');
        return query < 0 ? null : requestTarget.substring(query + 1);
    }

    /**
     * The request headers (read-only, names case-insensitive). The relay joins repeated headers into one value
     * with {@code ", "} and removes its token and hop-by-hop headers.
     */
    public HttpHeaders headers() {
        return headers;
    }

    /** The sender's address as the relay saw it, or {@code null} if the relay did not say. */
    public @Nullable RemoteEndpoint remoteEndpoint() {
        return remoteEndpoint;
    }

    /** Whether the request has a body (possibly empty); without one {@link #body()} is empty. */
    public boolean hasBody() {
        return hasBody;
    }

    /**
     * The body, read once. Reads block until the relay delivers more; an {@code IOException} means the body did
     * not arrive completely (the relay closed the rendezvous, or sent nothing for 60 s).
     */
    public InputStream body() {
        return body;
    }

    @Override
    public String toString() {
        return "RelayedHttpListenerRequest[" + method + ' ' + requestTarget + " id " + id + ']';
    }
}
