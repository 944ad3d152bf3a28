package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Joins an upgrade request into one {@code FullHttpRequest}. Upgrade requests carry no body, so the limit is small;
 * a larger body is answered 413 in the service's style and the connection closed. Position: after
 * {@code HTTP_CODEC}, before {@code UPGRADE_ROUTER}; Netty's WebSocket handshaker removes it.
 */
public final class UpgradeRequestAggregator extends HttpObjectAggregator {

    private static final Logger logger = LoggerFactory.getLogger(UpgradeRequestAggregator.class);

    private final int instance;
    private final Refusals refusals;

    /**
     * @param instance the gateway instance for tracking ids (0 on front ends)
     * @param context counts and journals each oversized request as a {@link RefusalReason#BAD_REQUEST} refusal
     */
    public UpgradeRequestAggregator(int maxContentLength, int instance, Refusals refusals) {
        super(maxContentLength);
        this.instance = instance;
        this.refusals = requireNonNull(refusals, "refusals");
    }

    /** Adds no {@code Content-Length: 0} the client did not send: the headers are passed to listeners as sent. */
    @Override
    protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
        boolean lengthSent = HttpUtil.isContentLengthSet(aggregated);
        super.finishAggregation(aggregated);
        if (!lengthSent && !aggregated.content().isReadable()) {
            aggregated.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        }
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // The text's system tracker is the host, as the service's; the journal names the entity where the target
        // parses.
        String host = NamespaceRegistry.hostPart(oversized.headers().get(HttpHeaderNames.HOST));
        refusals.answer(ctx.channel(), Refusal.of(RefusalReason.BAD_REQUEST, 413, "The request body is larger than "
                + maxContentLength() + " bytes.", host, "request body over " + maxContentLength() + " bytes"),
                instance);
    }
}
