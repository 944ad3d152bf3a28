package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.internal.http.HttpSenderHandler;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import dev.relaysim.relay.gateway.internal.channel.ErrorHandler;

/** The HTTP part of every port's pipeline ({@link GatewayChannelInitializer}). */
final class GatewayPipelines {

    private GatewayPipelines() {
    }

    /**
     * Counts a newly accepted connection against its source address ({@link ConnectionLimits#admit}) until it
     * closes. One far over the limit ({@link Admission#RESET}) is reset here (SO_LINGER 0, close) and counted and
     * logged as a limit refusal; the caller adds no handlers to it.
     */
    static Admission admit(Channel channel, GatewayContext context) {
        Admission admission = context.limits().admit(channel);
        if (admission == Admission.RESET) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            context.refusals().answer(channel, context.gatekeeper().sourceReset(channel), 0);
        }
        return admission;
    }

    /**
     * Adds {@code HANDSHAKE_TIMEOUT}, {@code HTTP_CODEC}, on front ends {@code HTTP_SENDER} (HTTP-mode requests,
     * bodies streamed, never aggregated), {@code HTTP_AGGREGATOR} (upgrade requests only), {@code UPGRADE_ROUTER}
     * and {@code ERROR_HANDLER}, in that order, after whatever the pipeline already has. A connection its source's
     * limit refused gets {@code CONNECTION_LIMIT} ({@link SourceLimitHandler}: 429) instead of {@code HTTP_SENDER},
     * {@code HTTP_AGGREGATOR} and {@code UPGRADE_ROUTER}.
     *
     * @param frontEnd whether the port serves listen and connect
     * @param instance the rendezvous instance whose accept addresses the port serves, or -1
     * @param admission what {@link #admit} decided: {@link Admission#ADMITTED} or {@link Admission#REFUSED}
     */
    static void addHttpHandlers(ChannelPipeline pipeline, GatewayContext context, boolean frontEnd, int instance,
                                Admission admission) {
        int trackingInstance = Math.max(instance, 0);
        HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(GatewayContext.MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(GatewayContext.MAX_HEADER_SIZE);
        pipeline.addLast(GatewayHandlerNames.HANDSHAKE_TIMEOUT, new HandshakeTimeoutHandler(
                context.protocol().handshakeTimeout(), trackingInstance, context.refusals()));
        pipeline.addLast(GatewayHandlerNames.HTTP_CODEC, new HttpServerCodec(decoderConfig));
        if (admission != Admission.ADMITTED) {
            pipeline.addLast(GatewayHandlerNames.CONNECTION_LIMIT, new SourceLimitHandler(context.gatekeeper(),
                    context.refusals(), trackingInstance));
            pipeline.addLast(GatewayHandlerNames.ERROR_HANDLER, new ErrorHandler());
            return;
        }
        if (frontEnd) {
            pipeline.addLast(GatewayHandlerNames.HTTP_SENDER, new HttpSenderHandler(context.httpRequestMode()));
        }
        pipeline.addLast(HandlerNames.HTTP_AGGREGATOR, new UpgradeRequestAggregator(
                GatewayContext.MAX_REQUEST_CONTENT_LENGTH, trackingInstance, context.refusals()));
        pipeline.addLast(GatewayHandlerNames.UPGRADE_ROUTER, UpgradeRouter.forPort(context, frontEnd, instance));
        pipeline.addLast(GatewayHandlerNames.ERROR_HANDLER, new ErrorHandler());
    }
}
