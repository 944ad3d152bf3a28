package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.gateway.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.metrics.RefusalReason;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * Joins an upgrade request into one {@code FullHttpRequest}. Upgrade requests carry no body, so the limit is small;
 * a larger body is answered 413 in the service's style and the connection closed. Position: after
 * {@code HTTP_CODEC}, before {@code UPGRADE_ROUTER}; Netty's WebSocket handshaker removes it.
 */
public final class UpgradeRequestAggregator extends HttpObjectAggregator {

    private static final Logger logger = LoggerFactory.getLogger(UpgradeRequestAggregator.class);

    private final Clock clock;
    private final int instance;
    private final GatewayMetrics metrics;

    /** @param metrics counts each oversized request as a {@link RefusalReason#BAD_REQUEST} refusal */
    public UpgradeRequestAggregator(int maxContentLength, Clock clock, int instance, GatewayMetrics metrics) {
        super(maxContentLength);
        this.clock = requireNonNull(clock, "clock");
        this.instance = instance;
        this.metrics = requireNonNull(metrics, "metrics");
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
        String host = NamespaceRegistry.hostPart(oversized.headers().get(HttpHeaderNames.HOST));
        metrics.refused(RefusalReason.BAD_REQUEST);
        logger.info("{} refused 413: request body over {} bytes", ctx.channel(), maxContentLength());
        String text = ServiceErrors.describe("The request body is larger than " + maxContentLength() + " bytes.",
                ServiceErrors.trackingId(instance), host, clock.instant());
        ServiceErrors.respondAndClose(ctx.channel(), 413, text);
    }
}
