package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.gateway.admission.ServiceErrors;
import dev.relaysim.relay.gateway.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
import dev.relaysim.relay.gateway.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * Stands in for the request handlers on a connection that its source address's {@code maxConnectionsPerSource} did
 * not admit ({@link ConnectionLimits.Admission#REFUSED}): answers its first request head, whatever it asks for, with
 * 429 ({@link ConnectionLimits#sourceRefusal}, {@code Retry-After}) in the service's style and closes the connection;
 * anything else it reads is dropped. Position: after {@code HTTP_CODEC}, before {@code ERROR_HANDLER}; the
 * connection keeps its {@code HANDSHAKE_TIMEOUT} until the head is in, so one that sends nothing is closed then.
 */
final class SourceLimitHandler extends ChannelInboundHandlerAdapter {

    private final GatewayContext context;
    private final int instance;
    private boolean answered;

    /** @param instance the gateway instance for tracking ids (0 on front ends) */
    SourceLimitHandler(GatewayContext context, int instance) {
        this.context = requireNonNull(context, "context");
        this.instance = instance;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request && !answered) {
                answered = true;
                if (ctx.pipeline().context(GatewayHandlerNames.HANDSHAKE_TIMEOUT) != null) {
                    ctx.pipeline().remove(GatewayHandlerNames.HANDSHAKE_TIMEOUT);
                }
                refuse(ctx.channel(), request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void refuse(Channel channel, HttpRequest request) {
        ConnectionLimits limits = context.limits();
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        int open = limits.openConnections(remote.getAddress());
        String reason = "maxConnectionsPerSource of " + limits.settings().maxConnectionsPerSource() + " reached, "
                + open + " connections open from " + remote.getAddress().getHostAddress();
        String uri = request.uri();
        int query = uri.indexOf('?');
        String tracker = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST)) + ':'
                + (query < 0 ? uri : uri.substring(0, query));
        String trackingId = ServiceErrors.trackingId(instance);
        context.refused(channel, RefusalReason.LIMIT, 429, tracker, trackingId, reason);
        limits.sourceLog().refused(channel, () -> "429: " + reason);
        String text = ServiceErrors.describe(limits.sourceRefusal(remote.getAddress()), trackingId, tracker,
                context.clock().instant());
        ServiceErrors.respondAndClose(channel, ServiceErrors.retryAfter(429, text,
                ConnectionLimits.RETRY_AFTER_SECONDS));
    }
}
