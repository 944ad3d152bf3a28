package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;


import static java.util.Objects.requireNonNull;

/**
 * Stands in for the request handlers on a connection that its source address's {@code maxConnectionsPerSource} did
 * not admit ({@link ConnectionLimits.Admission#REFUSED}): answers its first request head, whatever it asks for, with
 * 429 ({@link ConnectionLimits#sourceRefusal}, {@code Retry-After}) in the service's style and closes the connection;
 * anything else it reads is dropped. Position: after {@code HTTP_CODEC}, before {@code ERROR_HANDLER}; the
 * connection keeps its {@code HANDSHAKE_TIMEOUT} until the head is in, so one that sends nothing is closed then.
 */
final class SourceLimitHandler extends ChannelInboundHandlerAdapter {

    private final Gatekeeper gatekeeper;
    private final Refusals refusals;
    private final int instance;
    private boolean answered;

    /** @param instance the gateway instance for tracking ids (0 on front ends) */
    SourceLimitHandler(Gatekeeper gatekeeper, Refusals refusals, int instance) {
        this.gatekeeper = requireNonNull(gatekeeper, "gatekeeper");
        this.refusals = requireNonNull(refusals, "refusals");
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
        String uri = request.uri();
        int query = uri.indexOf('?');
        String tracker = NamespaceRegistry.hostPart(request.headers().get(HttpHeaderNames.HOST)) + ':'
                + (query < 0 ? uri : uri.substring(0, query));
        refusals.answer(channel, gatekeeper.sourceLimit(channel, tracker), instance);
    }
}
