package dev.relaysim.relay.gateway.internal.admission;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * The service's errors for HTTP senders once a request has reached a hybrid connection:
 * {@code {"error":{"code":"GatewayTimeout","message":"..."}}} (the shape of azure-relay-dotnet#141), with
 * {@code Connection: close} and no {@code Via}.
 */
public final class HttpErrors {

    /**
     * No listener connected, or the chosen one went away before it answered (decided here: code
     * {@code BadGateway}).
     */
    public static final String BAD_GATEWAY = "BadGateway";
    /** No response within the response timeout. */
    public static final String GATEWAY_TIMEOUT = "GatewayTimeout";

    private HttpErrors() {
    }

    /** {@code {"error":{"code":<code>,"message":<message>}}}. */
    public static String body(String code, String message) {
        requireNonNull(code, "code");
        requireNonNull(message, "message");
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return "{\"error\":{\"code\":\"" + new String(encoder.quoteAsString(code)) + "\",\"message\":\""
                + new String(encoder.quoteAsString(message)) + "\"}}";
    }

    /** A response with status {@code statusCode} and the JSON body, {@code application/json; charset=utf-8}. */
    public static FullHttpResponse response(int statusCode, String code, String message) {
        ByteBuf content = Unpooled.copiedBuffer(body(code, message), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(statusCode), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
