package dev.relaysim.relay.gateway.internal.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.cli.RelaysimVersion;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What a route handler answers: status, content type, body and extra headers. The handler adds
 * {@code Content-Length}, {@value #VERSION_HEADER} and the connection headers.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the body bytes
 * @param headers extra response headers, such as {@code Allow}
 * @param stream null, or what writes the body after the head for as long as the connection lasts (the head then has
 *               {@code Transfer-Encoding: chunked} instead of {@code Content-Length}, and {@code body} is unused)
 */
public record ManagementResponse(HttpResponseStatus status, String contentType, byte[] body,
                                 Map<String, String> headers, StreamBody stream) {

    /** A body written piece by piece on the connection's own terms, such as a Server-Sent Events stream. */
    @FunctionalInterface
    public interface StreamBody {

        /**
         * Takes the connection over once the head is written: on its event loop, adds its handler (named
         * {@code GatewayHandlerNames.MANAGEMENT_STREAM}, before {@code ERROR_HANDLER}) and writes {@code HttpContent}s.
         */
        void start(ChannelHandlerContext ctx);
    }

    /** The response header naming the relaysim version. */
    public static final String VERSION_HEADER = "x-relaysim-version";
    public static final String JSON = "application/json; charset=utf-8";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public ManagementResponse {
        requireNonNull(status, "status");
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        headers = Map.copyOf(requireNonNull(headers, "headers"));
    }

    /** A response with a complete body. */
    public ManagementResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    /** 200 with a body of {@code contentType} that {@code stream} writes. */
    public static ManagementResponse streamed(String contentType, StreamBody stream) {
        return new ManagementResponse(HttpResponseStatus.OK, contentType, new byte[0], Map.of(),
                requireNonNull(stream, "stream"));
    }

    /** {@code value} serialized by Jackson. */
    public static ManagementResponse json(HttpResponseStatus status, Object value) {
        try {
            return new ManagementResponse(status, JSON, MAPPER.writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value: " + value.getClass().getName()
                    + " (expected: an object Jackson can serialize)", e);
        }
    }

    /** A text body in UTF-8; {@code contentType} should name the charset. */
    public static ManagementResponse text(HttpResponseStatus status, String contentType, String body) {
        return new ManagementResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An ARM-style error: {@code {"error":{"code":"<code>","message":"<message>"}}}. */
    public static ManagementResponse error(HttpResponseStatus status, String code, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("code", requireNonNull(code, "code"));
        error.put("message", requireNonNull(message, "message"));
        return json(status, Map.of("error", error));
    }

    /** The head of a {@linkplain #stream streamed} response: chunked, not cached. */
    HttpResponse toStreamHead() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        headers.forEach(response.headers()::set);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(VERSION_HEADER, RelaysimVersion.current());
        return response;
    }

    /** The HTTP/1.1 response: the extra headers, {@code Content-Type}, {@code Content-Length}, the version. */
    public FullHttpResponse toHttpResponse() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(VERSION_HEADER, RelaysimVersion.current());
        return response;
    }

    /** This response with one more header. */
    public ManagementResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
        return new ManagementResponse(status, contentType, body, more, stream);
    }
}
