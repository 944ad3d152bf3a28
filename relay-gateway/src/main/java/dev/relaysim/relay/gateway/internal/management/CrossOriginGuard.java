package dev.relaysim.relay.gateway.internal.management;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Refuses management requests a browser sent on behalf of another origin, so that a page elsewhere cannot use the
 * API through the user's browser (cross-site request forgery, DNS rebinding). Position: after
 * {@code HTTP_AGGREGATOR}, before {@code MANAGEMENT}.
 * <ul>
 *   <li>Exempt: {@code GET}/{@code HEAD} of the public paths ({@code /health}, {@code /metrics}) and of the
 *       console's static files (the {@code staticAsset} paths), which carry no data; a link from elsewhere may open
 *       the console.</li>
 *   <li>Every other request is refused with 403 {@value #REFUSAL_CODE} (connection closed, logged once at INFO)
 *       when {@code Sec-Fetch-Site} is neither {@code same-origin} nor {@code none}, or when an {@code Origin}
 *       header does not name this server ({@code http://} + the request's {@code Host}). Clients other than
 *       browsers (the CLI, curl, SDKs) send neither header and pass; the admin key is checked after this.</li>
 * </ul>
 * The API has no CORS: no {@code Access-Control-Allow-*} is ever sent, so a cross-origin script cannot read an
 * answer nor send the {@code Authorization} header the API requires.
 */
public final class CrossOriginGuard extends ChannelInboundHandlerAdapter {

    /** The error code of a refused request. */
    public static final String REFUSAL_CODE = "CrossOriginRequestRefused";

    private static final Logger logger = LoggerFactory.getLogger(CrossOriginGuard.class);
    private static final Set<String> PUBLIC_PATHS = Set.of("/health", "/metrics");
    private static final Set<String> TRUSTED_FETCH_SITES = Set.of("same-origin", "none");

    private final Predicate<String> staticAsset;

    /** @param staticAsset whether a path names one of the console's static files (given, so that the management
     *                    package does not depend on the console's) */
    public CrossOriginGuard(Predicate<String> staticAsset) {
        this.staticAsset = requireNonNull(staticAsset, "staticAsset");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || request.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        String refusal = refusal(request);
        if (refusal == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            logger.info("{} management request {} {} refused 403 {}: {}", ctx.channel(), request.method(),
                    new QueryStringDecoder(request.uri()).path(), REFUSAL_CODE, refusal);
            var response = ManagementResponse.error(HttpResponseStatus.FORBIDDEN, REFUSAL_CODE,
                    "The management API does not answer requests from other origins: " + refusal + '.')
                    .toHttpResponse();
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    /** Why {@code request} is refused, or null when it may pass. */
    @Nullable String refusal(FullHttpRequest request) {
        HttpMethod method = request.method();
        String path = new QueryStringDecoder(request.uri()).path();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (read && (PUBLIC_PATHS.contains(path) || staticAsset.test(path))) {
            return null;
        }
        HttpHeaders headers = request.headers();
        String fetchSite = headers.get("Sec-Fetch-Site");
        if (fetchSite != null && !TRUSTED_FETCH_SITES.contains(fetchSite.toLowerCase(Locale.ROOT))) {
            return "Sec-Fetch-Site: " + fetchSite + " (expected: same-origin)";
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            String host = headers.get(HttpHeaderNames.HOST);
            String own = host == null ? null : "http://" + host;
            if (!origin.equalsIgnoreCase(own)) {
                return "Origin: " + origin + " (expected: " + (own == null ? "a Host header" : own) + ')';
            }
        }
        return null;
    }
}
