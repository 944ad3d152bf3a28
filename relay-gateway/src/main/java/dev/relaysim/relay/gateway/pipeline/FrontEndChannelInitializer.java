package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.limits.ConnectionLimits.Admission;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

import static java.util.Objects.requireNonNull;

/**
 * Sets up a connection accepted by the TLS front end (9443) or the plain one (9080), where listeners open control
 * channels and senders connect:
 * <pre>
 *  TLS (TLS front end only: SslHandler)
 *   -> HANDSHAKE_TIMEOUT (HandshakeTimeoutHandler: 408 or close if the upgrade request is late; removed once it is in)
 *   -> HTTP_CODEC (HttpServerCodec: 431 for oversized heads)
 *   -> HTTP_SENDER (HttpSenderHandler: HTTP-mode requests, bodies streamed; $hc requests pass on)
 *   -> HTTP_AGGREGATOR (UpgradeRequestAggregator, 64 KiB: 413 beyond)
 *   -> UPGRADE_ROUTER (UpgradeRouter: parse, route, authorize, dispatch)
 *   -> ERROR_HANDLER (ErrorHandler)
 * </pre>
 * After a {@code listen} upgrade ({@code wsencoder} is Netty's frame encoder, {@code FRAME_DECODER} the
 * {@code UnmaskingFrameDecoder} that replaces Netty's {@code wsdecoder} when the handshake completes):
 * <pre>
 *  TLS -> wsencoder, FRAME_DECODER -> Utf8FrameValidator -> WEBSOCKET_PROTOCOL -> CONTROL_CHANNEL -> ERROR_HANDLER
 * </pre>
 * After a {@code connect} is accepted:
 * <pre>
 *  FLUSH_CONSOLIDATION -> TLS -> wsencoder, FRAME_DECODER -> Utf8FrameValidator -> WEBSOCKET_PROTOCOL
 *   -> FLOW_CONTROL
 *   -> RELAY -> ERROR_HANDLER
 * </pre>
 * The write buffer water marks are set on the server bootstrap ({@code RelayPair.WRITE_BUFFER_WATER_MARK}).
 * <p>
 * Each connection counts against its source address's {@code maxConnectionsPerSource} until it closes; one over
 * the limit gets {@code TLS -> HANDSHAKE_TIMEOUT -> HTTP_CODEC -> CONNECTION_LIMIT -> ERROR_HANDLER} (429), one far
 * over it is reset at once ({@code GatewayPipelines.admit}).
 */
public final class FrontEndChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final GatewayContext context;
    private final SslContext sslContext;

    /**
     * @param sslContext the server TLS context for the TLS front end, or {@code null} for the plain one
     */
    public FrontEndChannelInitializer(GatewayContext context, SslContext sslContext) {
        this.context = requireNonNull(context, "context");
        this.sslContext = sslContext;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        Admission admission = GatewayPipelines.admit(channel, context);
        if (admission == Admission.RESET) {
            return;
        }
        context.channels().add(channel);
        if (sslContext != null) {
            channel.pipeline().addLast(HandlerNames.TLS, sslContext.newHandler(channel.alloc()));
        }
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, true, -1, admission);
    }
}
