package dev.relaysim.relay.gateway.internal.management;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.channel.ErrorHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Sets up a connection accepted by the management server (plain HTTP/1.1, keep-alive):
 * <pre>
 *  IDLE_TIMEOUT (IdleStateHandler: an idle event after {@value #IDLE_SECONDS} s without reads or writes)
 *   -> HTTP_CODEC (HttpServerCodec)
 *   -> SECURITY_HEADERS (SecurityHeaders, outbound: CSP, nosniff, no framing on every response)
 *   -> HTTP_KEEP_ALIVE (HttpServerKeepAliveHandler: closes after a response when a side asked to)
 *   -> HTTP_AGGREGATOR (HttpObjectAggregator, {@value #MAX_CONTENT_LENGTH} bytes: 413 JSON beyond, closed)
 *   -> CROSS_ORIGIN_GUARD (CrossOriginGuard: 403 for API requests a browser sent from another origin)
 *   -> MANAGEMENT (ManagementHandler: routes, answers, closes on the idle event)
 *   -> ERROR_HANDLER (ErrorHandler)
 * </pre>
 */
public final class ManagementChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** Largest request body (the ARM API's PUT bodies are small). */
    static final int MAX_CONTENT_LENGTH = 1024 * 1024;
    static final int IDLE_SECONDS = 60;

    private final ManagementRoutes routes;
    private final ChannelGroup channels;
    private final Predicate<String> staticAsset;

    /**
     * @param channels    every connection joins it, so that the server can close them all
     * @param staticAsset whether a path names one of the console's static files, which other origins may read
     */
    public ManagementChannelInitializer(ManagementRoutes routes, ChannelGroup channels,
                                        Predicate<String> staticAsset) {
        this.routes = requireNonNull(routes, "routes");
        this.channels = requireNonNull(channels, "channels");
        this.staticAsset = requireNonNull(staticAsset, "staticAsset");
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channels.add(channel);
        channel.pipeline()
                .addLast(GatewayHandlerNames.IDLE_TIMEOUT, new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                .addLast(GatewayHandlerNames.HTTP_CODEC, new HttpServerCodec())
                .addLast(GatewayHandlerNames.SECURITY_HEADERS, SecurityHeaders.INSTANCE)
                .addLast(GatewayHandlerNames.HTTP_KEEP_ALIVE, new HttpServerKeepAliveHandler())
                .addLast(HandlerNames.HTTP_AGGREGATOR, new JsonErrorAggregator())
                .addLast(GatewayHandlerNames.CROSS_ORIGIN_GUARD, new CrossOriginGuard(staticAsset))
                .addLast(GatewayHandlerNames.MANAGEMENT, new ManagementHandler(routes))
                .addLast(GatewayHandlerNames.ERROR_HANDLER, new ErrorHandler());
    }

    /** Netty's aggregator, answering an oversized body with an ARM-style 413. */
    private static final class JsonErrorAggregator extends HttpObjectAggregator {

        JsonErrorAggregator() {
            super(MAX_CONTENT_LENGTH);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ManagementResponse error = ManagementResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "RequestEntityTooLarge", "The request body is larger than " + MAX_CONTENT_LENGTH + " bytes.");
            FullHttpResponse response = error.toHttpResponse();
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
