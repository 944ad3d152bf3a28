package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.gateway.limits.ConnectionLimits.Admission;
import dev.relaysim.relay.gateway.config.RendezvousFault;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Sets up a connection accepted on the rendezvous port of gateway instance {@code gN} (9400+N), where listeners
 * open accept addresses. Accept addresses are {@code ws://} or {@code wss://} depending on how the listener's
 * control channel connected, so TLS is detected from the first bytes:
 * <pre>
 *  TLS (OptionalSslHandler: replaces itself with an SslHandler of the same name, or leaves, when TLS is enabled)
 *   -> HANDSHAKE_TIMEOUT -> HTTP_CODEC -> HTTP_AGGREGATOR
 *   -> UPGRADE_ROUTER (accept only, anything else 404; also listen and connect on a shared front-end port)
 *   -> ERROR_HANDLER
 * </pre>
 * After the accept's upgrade:
 * <pre>
 *  FLUSH_CONSOLIDATION -> [TLS] -> wsencoder, FRAME_DECODER -> Utf8FrameValidator -> WEBSOCKET_PROTOCOL
 *   -> FLOW_CONTROL
 *   -> RELAY -> ERROR_HANDLER
 * </pre>
 * (the relay pair moves this channel to the sender's event loop).
 * <p>
 * When a front-end port lies in the rendezvous range (the default TLS port 9443 is the port of g43), that one port
 * is bound once with this initializer and {@code alsoFrontEnd}: it serves listen and connect as well, TLS detected.
 * <p>
 * A connection that the rendezvous fault toggle ({@link GatewayContext#rendezvousFaults()}) blocks is reset (SO_LINGER
 * 0, close) before any handler is added; a port that is also a front end is never blocked. The first refusal by each
 * toggle setting is logged.
 * <p>
 * Any other connection counts against its source address's {@code maxConnectionsPerSource} until it closes, as on
 * the front ends ({@link FrontEndChannelInitializer}): over the limit its request is answered 429.
 */
public final class RendezvousChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger logger = LoggerFactory.getLogger(RendezvousChannelInitializer.class);
    /** The toggle settings (by value) whose first refusal was logged; a handful per run. */
    private static final Set<RendezvousFaults> LOGGED = ConcurrentHashMap.newKeySet();

    private final GatewayContext context;
    private final SslContext sslContext;
    private final int instance;
    private final boolean alsoFrontEnd;

    /**
     * @param sslContext the server TLS context, or {@code null} when the gateway runs without TLS
     * @param instance N of {@code gN}
     * @param alsoFrontEnd whether this port is a front end too
     */
    public RendezvousChannelInitializer(GatewayContext context, SslContext sslContext, int instance,
                                        boolean alsoFrontEnd) {
        this.context = requireNonNull(context, "context");
        this.sslContext = sslContext;
        if (instance < 0 || instance >= context.rendezvousPorts().size()) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: 0-"
                    + (context.rendezvousPorts().size() - 1) + ')');
        }
        this.instance = instance;
        this.alsoFrontEnd = alsoFrontEnd;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!alsoFrontEnd && refusedByFault(channel)) {
            return;
        }
        Admission admission = GatewayPipelines.admit(channel, context);
        if (admission == Admission.RESET) {
            return;
        }
        context.channels().add(channel);
        if (sslContext != null) {
            channel.pipeline().addLast(HandlerNames.TLS, new TlsDetector(sslContext));
        }
        GatewayPipelines.addHttpHandlers(channel.pipeline(), context, alsoFrontEnd, instance, admission);
    }

    private boolean refusedByFault(SocketChannel channel) {
        RendezvousFaults faults = context.rendezvousFaults().get();
        InetSocketAddress local = channel.localAddress();
        InetSocketAddress remote = channel.remoteAddress();
        if (faults.blockedRendezvousPorts().isEmpty() || local == null || remote == null) {
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
