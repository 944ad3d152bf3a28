package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.http.HttpSenderHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** The HTTP part shared by both initializers. */
final class GatewayPipelines {

    private GatewayPipelines() {
    }

    /**
     * Adds {@code HANDSHAKE_TIMEOUT}, {@code HTTP_CODEC}, on front ends {@code HTTP_SENDER} (HTTP-mode requests,
     * bodies streamed, never aggregated), {@code HTTP_AGGREGATOR} (upgrade requests only), {@code UPGRADE_ROUTER}
     * and {@code ERROR_HANDLER}, in that order, after whatever the pipeline already has.
     *
     * @param frontEnd whether the port serves listen and connect
     * @param instance the rendezvous instance whose accept addresses the port serves, or -1
     */
    static void addHttpHandlers(ChannelPipeline pipeline, GatewayContext context, boolean frontEnd, int instance) {
        int trackingInstance = Math.max(instance, 0);
        HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(GatewayContext.MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(GatewayContext.MAX_HEADER_SIZE);
        pipeline.addLast(HandlerNames.HANDSHAKE_TIMEOUT, new HandshakeTimeoutHandler(
                context.protocol().handshakeTimeout(), context.clock(), trackingInstance, context.metrics()));
        pipeline.addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(decoderConfig));
        if (frontEnd) {
            pipeline.addLast(HandlerNames.HTTP_SENDER, new HttpSenderHandler(context));
        }
        pipeline.addLast(HandlerNames.HTTP_AGGREGATOR, new UpgradeRequestAggregator(
                GatewayContext.MAX_REQUEST_CONTENT_LENGTH, context.clock(), trackingInstance, context.metrics()));
        pipeline.addLast(HandlerNames.UPGRADE_ROUTER, UpgradeRouter.forPort(context, frontEnd, instance));
        pipeline.addLast(HandlerNames.ERROR_HANDLER, new ErrorHandler());
    }
}
