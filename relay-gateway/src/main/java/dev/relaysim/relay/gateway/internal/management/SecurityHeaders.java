package dev.relaysim.relay.gateway.internal.management;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds the browser security headers to every management response, so that no route can forget them. Position:
 * after {@code HTTP_CODEC} (outbound: it sees the {@link HttpResponse} before encoding).
 * <ul>
 *   <li>{@code Content-Security-Policy}: {@value #CONTENT_SECURITY_POLICY} (no inline script or style, no
 *       framing, requests only to this origin);</li>
 *   <li>{@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY} (for browsers without
 *       {@code frame-ancestors}), {@code Referrer-Policy: no-referrer},
 *       {@code Cross-Origin-Resource-Policy: same-origin}, {@code Cross-Origin-Opener-Policy: same-origin};</li>
 *   <li>{@code Cache-Control: no-store} unless the route set its own (API answers carry keys).</li>
 * </ul>
 * Stateless: one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class SecurityHeaders extends ChannelOutboundHandlerAdapter {

    /** The policy of every response: the console is same-origin modules and CSS, nothing inline. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static final SecurityHeaders INSTANCE = new SecurityHeaders();

    private SecurityHeaders() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            HttpHeaders headers = response.headers();
            headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                    .set("X-Content-Type-Options", "nosniff")
                    .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                    .set("Referrer-Policy", "no-referrer")
                    .set("Cross-Origin-Resource-Policy", "same-origin")
                    .set("Cross-Origin-Opener-Policy", "same-origin");
            if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
                headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            }
        }
        ctx.write(msg, promise);
    }
}
