package dev.relaysim.relay.gateway.internal.management;

import dev.relaysim.relay.gateway.internal.management.ManagementRoutes.Match;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Answers management requests from a {@link ManagementRoutes} table. Position: after {@code HTTP_AGGREGATOR},
 * before {@code ERROR_HANDLER}.
 * <ul>
 *   <li>In: {@link FullHttpRequest}s, released here. A route's {@link ManagementResponse} is written with
 *       {@code Content-Length} and {@value ManagementResponse#VERSION_HEADER}; the connection stays open when the
 *       client keeps it alive ({@code HTTP_KEEP_ALIVE} decides).</li>
 *   <li>Errors, ARM-shaped JSON: 400 {@code BadRequest} for undecodable HTTP (connection closed), 404
 *       {@code NotFound}, 405 {@code MethodNotAllowed} with {@code Allow}, 500 {@code InternalServerError} when a
 *       route handler throws (logged once with its stack trace).</li>
 *   <li>A streamed response ({@link ManagementResponse#stream()}) is written as a chunked head; then the stream takes
 *       the connection over (see {@link ManagementResponse.StreamBody}), and {@code IDLE_TIMEOUT} and
 *       {@code HTTP_KEEP_ALIVE} leave the pipeline.</li>
 *   <li>Events: an {@link IdleStateEvent} from {@code IDLE_TIMEOUT} closes the connection.</li>
 * </ul>
 * One instance per channel.
 */
final class ManagementHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ManagementHandler.class);

    private final ManagementRoutes routes;

    ManagementHandler(ManagementRoutes routes) {
        this.routes = requireNonNull(routes, "routes");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (request.decoderResult().isFailure()) {
                logger.info("{} management request refused 400: {}", ctx.channel(),
                        request.decoderResult().cause().toString());
                write(ctx, ManagementResponse.error(HttpResponseStatus.BAD_REQUEST, "BadRequest",
                        "The request is not valid HTTP/1.1: " + request.decoderResult().cause().getMessage()), false);
                return;
            }
            write(ctx, respond(ctx, request), HttpUtil.isKeepAlive(request));
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            logger.debug("{} management connection idle; closing", ctx.channel());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private ManagementResponse respond(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder target = new QueryStringDecoder(request.uri());
        HttpMethod method = request.method();
        String path = target.path();
        Match match = routes.match(method, path);
        if (match instanceof Match.Found found) {
            ManagementRequest managementRequest = new ManagementRequest(method, path, found.pathParameters(),
                    target.parameters(), request.headers(), request.content().toString(StandardCharsets.UTF_8));
            try {
                return found.handler().handle(managementRequest);
            } catch (RuntimeException e) {
                logger.warn("{} management request {} {} failed", ctx.channel(), method, path, e);
                return ManagementResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "InternalServerError",
                        "The request failed: " + e);
            }
        }
        logger.debug("{} management request {} {}: {}", ctx.channel(), method, path, match);
        if (match instanceof Match.MethodNotAllowed notAllowed) {
            String allow = notAllowed.allowed().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
            return ManagementResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed",
                    "The method " + method + " is not allowed on " + path + "; allowed: " + allow + '.')
                    .withHeader(HttpHeaderNames.ALLOW.toString(), allow);
        }
        return ManagementResponse.error(HttpResponseStatus.NOT_FOUND, "NotFound",
                "No management API at " + path + '.');
    }

    private static void write(ChannelHandlerContext ctx, ManagementResponse response, boolean keepAlive) {
        if (response.stream() != null) {
            // The stream owns the connection from now on: no idle close (it sends keep-alives), no keep-alive
            // bookkeeping of a response that does not end.
            for (String name : new String[] {GatewayHandlerNames.IDLE_TIMEOUT, GatewayHandlerNames.HTTP_KEEP_ALIVE}) {
                if (ctx.pipeline().get(name) != null) {
                    ctx.pipeline().remove(name);
                }
            }
            ctx.writeAndFlush(response.toStreamHead());
            response.stream().start(ctx);
            return;
        }
        FullHttpResponse http = response.toHttpResponse();
        if (keepAlive) {
            ctx.writeAndFlush(http);
        } else {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
