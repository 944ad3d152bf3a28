package dev.relaysim.relay.gateway.internal.admission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Error responses in the service's style: {@code <text> TrackingId:<uuid>_G<n>, SystemTracker:<host>:<entity>,
 * Timestamp:<ISO-8601 UTC>}, sent as the HTTP reason phrase (CR and LF removed, non-ASCII replaced) and as a
 * {@code text/plain} body, on a connection that is closed once the response is written.
 */
public final class ServiceErrors {

    /** Longest reason phrase sent (the body always has the whole text). */
    static final int MAX_REASON_LENGTH = 1024;

    private ServiceErrors() {
    }

    /** A new tracking id {@code <uuid>_G<instance>}. */
    public static String trackingId(int instance) {
        return UUID.randomUUID() + "_G" + instance;
    }

    /**
     * The system tracker of a refusal that cannot name a namespace (no {@code Host} read yet): the address the
     * connection came to, {@code <host>:<port>}.
     */
    public static String addressTracker(Channel channel) {
        return channel.localAddress() instanceof InetSocketAddress local
                ? local.getHostString() + ':' + local.getPort()
                : String.valueOf(channel.localAddress());
    }

    /** {@code <message> TrackingId:<trackingId>, SystemTracker:<systemTracker>, Timestamp:<timestamp>}. */
    public static String describe(String message, String trackingId, String systemTracker, Instant timestamp) {
        requireNonNull(message, "message");
        requireNonNull(trackingId, "trackingId");
        requireNonNull(systemTracker, "systemTracker");
        requireNonNull(timestamp, "timestamp");
        return message + " TrackingId:" + trackingId + ", SystemTracker:" + systemTracker + ", Timestamp:"
                + DateTimeFormatter.ISO_INSTANT.format(timestamp.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * A response whose reason phrase is {@code reason} made safe for a status line and whose body is {@code body}
     * ({@code text/plain; charset=utf-8}), with {@code Connection: close}; a 426 names the supported
     * {@code Sec-WebSocket-Version}.
     */
    public static FullHttpResponse response(int statusCode, String reason, String body) {
        requireNonNull(reason, "reason");
        requireNonNull(body, "body");
        HttpResponseStatus status = new HttpResponseStatus(statusCode, reasonPhrase(reason, statusCode));
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (statusCode == 426) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WebSocketUpgrades.SUPPORTED_VERSION);
        }
        return response;
    }

    /**
     * {@code response(statusCode, text, text)} with {@code Retry-After: <seconds>}, as answers to a client over a
     * limit (429) carry it.
     */
    public static FullHttpResponse retryAfter(int statusCode, String text, int seconds) {
        FullHttpResponse response = response(statusCode, text, text);
        response.headers().setInt(HttpHeaderNames.RETRY_AFTER, seconds);
        return response;
    }

    /** Writes {@code response(statusCode, text, text)} and closes the channel as {@link #respondAndClose} does. */
    public static ChannelFuture respondAndClose(Channel channel, int statusCode, String text) {
        return respondAndClose(channel, response(statusCode, text, text));
    }

    /**
     * Writes {@code response} and closes the channel once it is written, lingering ({@link LingeringClose}) while the
     * client may still be sending; except after a 429, which refuses a source over a connection limit: its connection
     * closes at once, so that it gives back its place among the refusals in flight.
     */
    public static ChannelFuture respondAndClose(Channel channel, FullHttpResponse response) {
        requireNonNull(channel, "channel");
        requireNonNull(response, "response");
        if (!channel.isActive()) {
            response.release();
            return channel.closeFuture();
        }
        boolean overLimit = response.status().code() == HttpResponseStatus.TOO_MANY_REQUESTS.code();
        return channel.writeAndFlush(response)
                .addListener(overLimit ? ChannelFutureListener.CLOSE : LingeringClose.AFTER_WRITE);
    }

    /**
     * {@code text} as a reason phrase: CR and LF dropped, other control characters and non-ASCII replaced by
     * {@code '?'}, cut to {@value #MAX_REASON_LENGTH} characters; the status code's standard phrase when nothing is
     * left.
     */
    public static String reasonPhrase(String text, int statusCode) {
        StringBuilder phrase = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            phrase.append(c < 0x20 && c != '\t' || c >= 0x7F ? '?' : c);
        }
        String result = phrase.toString().strip();
        if (result.length() > MAX_REASON_LENGTH) {
            result = result.substring(0, MAX_REASON_LENGTH - 3) + "...";
        }
        return result.isEmpty() ? HttpResponseStatus.valueOf(statusCode).reasonPhrase() : result;
    }
}
