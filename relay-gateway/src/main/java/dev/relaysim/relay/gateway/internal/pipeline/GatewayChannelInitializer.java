package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.config.RendezvousFault;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Sets up a connection accepted on a gateway port by the port's {@link PortRole}:
 * <ul>
 *   <li>{@link PortRole#FRONT_END} (a front end outside the rendezvous range: the plain one, 9080, and the TLS one
 *       where it is moved out, such as 443 under {@code gateway --netns}): listeners open control channels, senders
 *       connect or send HTTP requests. TLS is required on the TLS front end and absent on the plain one.</li>
 *   <li>{@link PortRole#RENDEZVOUS} (9400+N for gateway instance {@code gN}): listeners open accept and request
 *       addresses. These are {@code ws://} or {@code wss://} depending on how the listener's control channel
 *       connected, so TLS is detected from the first bytes. The rendezvous fault toggle
 *       ({@link GatewayContext#rendezvousFaults()}) resets a connection it blocks (SO_LINGER 0, close) before any
 *       handler is added; the first refusal by each toggle setting is logged.</li>
 *   <li>{@link PortRole#BOTH} (a front end whose port lies in the rendezvous range, such as the default 9443, the
 *       port of g43): everything both serve, TLS detected as on a rendezvous port, never blocked by the toggle.</li>
 * </ul>
 * The pipeline:
 * <pre>
 *  TLS (front end: SslHandler on the TLS port, none on the plain one; rendezvous and both: OptionalSslHandler,
 *       which replaces itself with an SslHandler of the same name, or leaves; no TLS when the gateway has none)
 *   -> HANDSHAKE_TIMEOUT (HandshakeTimeoutHandler: 408 or close if the upgrade request is late; removed once it is in)
 *   -> HTTP_CODEC (HttpServerCodec: 431 for oversized heads)
 *   -> HTTP_SENDER (front end and both: HttpSenderHandler, HTTP-mode requests, bodies streamed; $hc requests pass on)
 *   -> HTTP_AGGREGATOR (UpgradeRequestAggregator, 64 KiB: 413 beyond)
 *   -> UPGRADE_ROUTER (UpgradeRouter: parse, route, authorize, dispatch the actions the role serves; others 404)
 *   -> ERROR_HANDLER (ErrorHandler)
 * </pre>
 * After a {@code listen} upgrade ({@code wsencoder} is Netty's frame encoder, {@code FRAME_DECODER} the
 * {@code UnmaskingFrameDecoder} that replaces Netty's {@code wsdecoder} when the handshake completes):
 * <pre>
 *  TLS -> wsencoder, FRAME_DECODER -> Utf8FrameValidator -> WEBSOCKET_PROTOCOL -> CONTROL_CHANNEL -> ERROR_HANDLER
 * </pre>
 * After a {@code connect} is accepted, and after the {@code accept} upgrade on the rendezvous port (whose channel the
 * relay pair moves to the sender's event loop):
 * <pre>
 *  FLUSH_CONSOLIDATION -> [TLS] -> wsencoder, FRAME_DECODER -> Utf8FrameValidator -> WEBSOCKET_PROTOCOL
 *   -> FLOW_CONTROL
 *   -> RELAY -> ERROR_HANDLER
 * </pre>
 * The write buffer water marks are set on the server bootstrap ({@code RelayPair.WRITE_BUFFER_WATER_MARK}).
 * <p>
 * Each connection counts against its source address's {@code maxConnectionsPerSource} until it closes; one over
 * the limit gets {@code TLS -> HANDSHAKE_TIMEOUT -> HTTP_CODEC -> CONNECTION_LIMIT -> ERROR_HANDLER} (429), one far
 * over it is reset at once ({@code GatewayPipelines.admit}).
 */
public final class GatewayChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger logger = LoggerFactory.getLogger(GatewayChannelInitializer.class);
    /** The toggle settings (by value) whose first refusal was logged; a handful per run. */
    private static final Set<RendezvousFaults> LOGGED = ConcurrentHashMap.newKeySet();

    private final GatewayContext context;
    private final PortRole role;
    private final int instance;
    private final @Nullable SslContext sslContext;

    /**
     * @param role what the port serves
     * @param instance N of {@code gN} whose rendezvous port this is (roles {@link PortRole#RENDEZVOUS} and
     *                 {@link PortRole#BOTH}), -1 for {@link PortRole#FRONT_END}
     * @param sslContext the server TLS context: required on a front end, detected on a rendezvous port; {@code null}
     *                   for the plain front end and when the gateway runs without TLS
     */
    public GatewayChannelInitializer(GatewayContext context, PortRole role, int instance,
                                     @Nullable SslContext sslContext) {
        this.context = requireNonNull(context, "context");
        this.role = requireNonNull(role, "role");
        int last = context.rendezvousPorts().size() - 1;
        if (role.servesRendezvous() && (instance < 0 || instance > last)) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: 0-" + last + " for role "
                    + role + ')');
        }
        if (!role.servesRendezvous() && instance != -1) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: -1 for role " + role + ')');
        }
        this.instance = instance;
        this.sslContext = sslContext;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (role == PortRole.RENDEZVOUS && refusedByFault(channel)) {
            return;
        }
        Admission admission = GatewayPipelines.admit(channel, context);
        if (admission == Admission.RESET) {
            return;
        }
        context.channels().add(channel);
        if (sslContext != null) {
            channel.pipeline().addLast(HandlerNames.TLS, role.servesRendezvous()
                    ? new TlsDetector(sslContext) : sslContext.newHandler(channel.alloc()));
        }
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, role.servesFrontEnd(), instance, admission);
    }

    private boolean refusedByFault(Channel channel) {
        RendezvousFaults faults = context.rendezvousFaults().get();
        if (faults.blockedRendezvousPorts().isEmpty()
                || !(channel.localAddress() instanceof InetSocketAddress local)
                || !(channel.remoteAddress() instanceof InetSocketAddress remote)) {
            return false;
        }
        Optional<RendezvousFault> fault = faults.blocking(local.getPort(), remote.getAddress());
        if (fault.isEmpty()) {
            return false;
        }
        if (LOGGED.add(faults)) {
            logger.info("rendezvous fault: reset a connection from {} to port {} (blocked {} from {}); further resets "
                    + "under this setting are not logged", remote.getAddress().getHostAddress(), local.getPort(),
                    fault.get().ports(), fault.get().sources());
        }
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
        return true;
    }

    /** Netty's detector, keeping the handler name {@code TLS} for the SslHandler it installs. */
    private static final class TlsDetector extends OptionalSslHandler {

        TlsDetector(SslContext sslContext) {
            super(sslContext);
        }

        @Override
        protected String newSslHandlerName() {
            return HandlerNames.TLS;
        }
    }
}
