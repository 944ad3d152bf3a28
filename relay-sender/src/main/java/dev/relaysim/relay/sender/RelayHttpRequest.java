package dev.relaysim.relay.sender;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP request for {@link HybridConnectionHttpClient#send(RelayHttpRequest)}: method, an optional path suffix
 * after the entity path and query (both sent as given, so percent-encode them yourself), headers and a body that is
 * streamed when sent. Immutable; {@link #builder()} makes one. The listener receives it as a
 * {@code RelayedHttpListenerRequest}.
 */
public final class RelayHttpRequest {

    private final HttpMethod method;
    private final String pathSuffix;
    private final String query;
    private final HttpHeaders headers;
    private final Callable<InputStream> body;
    private final long contentLength;

    private RelayHttpRequest(Builder builder) {
        method = builder.method;
        pathSuffix = builder.pathSuffix;
        query = builder.query;
        headers = builder.headers.copy();
        body = builder.body;
        contentLength = builder.contentLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    public HttpMethod method() {
        return method;
    }

    /** The path after the entity path, without a leading {@code '/'}; {@code ""} for none. */
    public String pathSuffix() {
        return pathSuffix;
    }

    /** The query without {@code '?'}, or {@code null} for none. */
    public @Nullable String query() {
        return query;
    }

    /** A copy of the headers. */
    public HttpHeaders headers() {
        return headers.copy();
    }

    /** Whether the request has a body (possibly empty). */
    public boolean hasBody() {
        return body != null;
    }

    /** The body's length in bytes, or -1 when unknown (then it is sent chunked) or there is no body. */
    public long contentLength() {
        return contentLength;
    }

    /** Opens the body for sending; {@code null} when there is none. */
    @Nullable InputStream openBody() throws Exception {
        return body == null ? null : body.call();
    }

    @Override
    public String toString() {
        return "RelayHttpRequest[" + method + " /<entity>" + (pathSuffix.isEmpty() ? "" : "/" + pathSuffix)
                + (query == null ? "" : "?" + query) + ']';
    }

    /** Builds a {@link RelayHttpRequest}; the default is a {@code GET} of the entity path without a body. */
    public static final class Builder {

        private HttpMethod method = HttpMethod.GET;
        private String pathSuffix = "";
        private String query;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private Callable<InputStream> body;
        private long contentLength = -1;

        private Builder() {
        }

        /** Any method but {@code CONNECT}, which the relay does not carry. */
        public Builder method(String method) {
            requireNonNull(method, "method");
            HttpMethod parsed;
            try {
                parsed = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("method: '" + method
                        + "' (expected: an HTTP method such as GET or POST)", e);
            }
            if (parsed.equals(HttpMethod.CONNECT)) {
                throw new IllegalArgumentException("method: CONNECT (expected: any method but CONNECT)");
            }
            this.method = parsed;
            return this;
        }

        /** Path segments after the entity path ({@code a/b} for {@code /<entity>/a/b}), percent-encoded as needed. */
        public Builder pathSuffix(String pathSuffix) {
            requireNonNull(pathSuffix, "pathSuffix");
            String trimmed = pathSuffix.startsWith("/") ? pathSuffix.substring(1) : pathSuffix;
            if (trimmed.indexOf('?') >= 0 || trimmed.indexOf('#') >= 0) {
                throw new IllegalArgumentException("pathSuffix: '" + pathSuffix
                        + "' (expected: a path without '?' or '#'; set the query apart)");
            }
            this.pathSuffix = trimmed;
            return this;
        }

        /** The query string without {@code '?'}, percent-encoded as needed; {@code null} for none. */
        public Builder query(@Nullable String query) {
            if (query != null && query.indexOf('#') >= 0) {
                throw new IllegalArgumentException("query: '" + query + "' (expected: no '#')");
            }
            this.query = query == null || query.isEmpty() ? null : query.startsWith("?") ? query.substring(1) : query;
            return this;
        }

        /** Adds a header; repeat it for several values. */
        public Builder header(String name, String value) {
            headers.add(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** A body in memory, sent with {@code Content-Length}. */
        public Builder body(byte[] body) {
            byte[] copy = requireNonNull(body, "body").clone();
            this.body = () -> new ByteArrayInputStream(copy);
            contentLength = copy.length;
            return this;
        }

        /** A file's content, read while sending, with {@code Content-Length}. */
        public Builder body(Path file) {
            requireNonNull(file, "file");
            try {
                contentLength = Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            this.body = () -> Files.newInputStream(file);
            return this;
        }

        /**
         * A body read from {@code stream} while sending (on the client's event loop, so it should not block for
         * long); sent with {@code Content-Length} when {@code length} is known, else chunked ({@code length} -1).
         * The request can then be sent once.
         */
        public Builder body(InputStream stream, long length) {
            requireNonNull(stream, "stream");
            if (length < -1) {
                throw new IllegalArgumentException("length: " + length + " (expected: >= 0, or -1 for unknown)");
            }
            this.body = () -> stream;
            contentLength = length;
            return this;
        }

        public RelayHttpRequest build() {
            return new RelayHttpRequest(this);
        }
    }
}
