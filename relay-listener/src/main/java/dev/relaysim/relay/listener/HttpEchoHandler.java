package dev.relaysim.relay.listener;

import io.netty.handler.codec.http.HttpHeaderNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The request handler of {@code listen --http-echo}: answers every request with 200 and headers describing it,
 * {@code X-Echo-Method}, {@code X-Echo-Target} (the request target; the relay sends its path decoded, so spaces,
 * non-ASCII and control characters are percent-encoded again to fit a header) and {@code X-Echo-Header-<name>} for each
 * request header. A request body is echoed byte for byte (with the request's {@code Content-Type}); without a body
 * (or with an empty one) the response body is a plain-text summary: the request line, then one
 * {@code name: value} line per header. {@code HEAD} gets the headers only.
 */
final class HttpEchoHandler implements RequestHandler {

    static final String METHOD_HEADER = "X-Echo-Method";
    static final String TARGET_HEADER = "X-Echo-Target";
    static final String HEADER_PREFIX = "X-Echo-Header-";

    private final Consumer<String> log;

    /** @param log gets one line per request answered */
    HttpEchoHandler(Consumer<String> log) {
        this.log = requireNonNull(log, "log");
    }

    @Override
    public void handle(RelayedHttpListenerRequest request, RelayedHttpListenerResponse response) throws IOException {
        response.statusCode(200);
        response.headers().set(METHOD_HEADER, request.method())
                .set(TARGET_HEADER, asHeaderValue(request.requestTarget()));
        StringBuilder summary = new StringBuilder(request.method()).append(' ').append(request.requestTarget())
                .append('\n');
        for (Map.Entry<String, String> header : request.headers()) {
            response.headers().add(HEADER_PREFIX + header.getKey(), header.getValue());
            summary.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
        }
        InputStream in = request.body();
        int first = in.read();
        long bytes;
        String what;
        OutputStream out = response.body();
        if (first >= 0) {
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (contentType != null) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            out.write(first);
            bytes = 1 + in.transferTo(out);
            what = "echoed " + bytes + (bytes == 1 ? " byte" : " bytes");
        } else if ("HEAD".equals(request.method())) {
            what = "headers only";
        } else {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            byte[] text = summary.toString().getBytes(StandardCharsets.UTF_8);
            out.write(text);
            what = "no body; sent a " + text.length + "-byte summary";
        }
        out.close();
        log.accept("request " + request.id() + ": " + request.method() + ' ' + request.requestTarget() + " from "
                + (request.remoteEndpoint() == null ? "an unknown address"
                : request.remoteEndpoint().address() + ':' + request.remoteEndpoint().port())
                + " -> 200, " + what);
    }

    /** {@code target} with every character other than visible ASCII as {@code %XX} over its UTF-8 bytes. */
    static String asHeaderValue(String target) {
        StringBuilder out = new StringBuilder(target.length() + 16);
        for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
