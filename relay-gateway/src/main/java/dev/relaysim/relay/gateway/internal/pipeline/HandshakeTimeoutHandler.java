package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.admission.Refusal;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.admission.ServiceErrors;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Closes a connection whose upgrade request has not fully arrived within the handshake timeout, counted from the
 * moment the connection is active (a stalled TLS handshake counts too). If request bytes had arrived, the client
 * gets 408 first (written from the pipeline's tail, through {@code HTTP_CODEC}). Position: after {@code TLS},
 * before {@code HTTP_CODEC}, where it sees the request's bytes; {@link UpgradeRouter} removes it once the whole
 * request is in.
 */
public final class HandshakeTimeoutHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(HandshakeTimeoutHandler.class);

    private final Duration timeout;
    private final int instance;
    private final Refusals refusals;
    private ScheduledFuture<?> timer;
    private boolean requestStarted;

    /**
     * @param timeout the handshake timeout
     * @param instance the gateway instance for tracking ids (0 on front ends)
     * @param context counts and journals each late request as a {@link RefusalReason#TIMEOUT} refusal; its clock
     *                stamps the error text
     */
    public HandshakeTimeoutHandler(Duration timeout, int instance, Refusals refusals) {
        this.timeout = requireNonNull(timeout, "timeout");
        this.instance = instance;
        this.refusals = requireNonNull(refusals, "refusals");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            requestStarted = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String tracker = ServiceErrors.addressTracker(ctx.channel());
        refusals.answer(ctx.channel(), requestStarted
                ? Refusal.of(RefusalReason.TIMEOUT, 408, "The request did not arrive within the handshake timeout of "
                        + timeout.toMillis() + " ms.", tracker, "the request did not complete within " + timeout)
                : Refusal.closed(RefusalReason.TIMEOUT, tracker, "closed: no upgrade request within " + timeout),
                instance);
    }
}
