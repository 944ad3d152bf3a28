package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.tls.DevCertificateAuthority;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.control.ListenerConnection;
import dev.relaysim.relay.gateway.pipeline.FrontEndChannelInitializer;
import dev.relaysim.relay.gateway.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.pipeline.RendezvousChannelInitializer;
import dev.relaysim.relay.gateway.registry.HybridConnection;
import dev.relaysim.relay.gateway.registry.Namespace;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.relay.RelayPair;
import dev.relaysim.relay.gateway.rendezvous.RendezvousPorts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The gateway: a TLS front end, a plain front end and one rendezvous port per gateway instance, sharing one
 * {@link GatewayContext}. {@link #start()} binds them all and returns the bound addresses; {@link #close()} stops
 * gracefully:
 * <ol>
 *   <li>stop accepting (close the server channels);</li>
 *   <li>send close 1001 to every listener control channel;</li>
 *   <li>let relayed connections drain for up to {@code shutdownTimeout};</li>
 *   <li>close every remaining channel (the protocol handler sends 1001 on WebSockets);</li>
 *   <li>shut the event loops down and wait for them.</li>
 * </ol>
 * A gateway starts once; {@code close()} is idempotent and may be called from any thread, also when
 * {@code start()} failed.
 */
public final class GatewayServer implements AutoCloseable {

    /** The reason of the close frame control channels get when the gateway stops. */
    public static final String SHUTDOWN_REASON = "The gateway is shutting down";

    private static final Logger logger = LoggerFactory.getLogger(GatewayServer.class);
    private static final String TLS_DIRECTORY = "tls";

    private final GatewayConfig config;
    private final Clock clock;
    private final NamespaceRegistry registry;
    private final ChannelGroup channels = new DefaultChannelGroup("relaysim-gateway", GlobalEventExecutor.INSTANCE);
    private final List<Channel> serverChannels = new ArrayList<>();
    private GatewayContext context;
    private DevCertificateAuthority certificateAuthority;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private GatewayAddresses addresses;
    private boolean started;
    private boolean closed;

    public GatewayServer(GatewayConfig config) {
        this(config, Clock.systemUTC());
    }

    /** With a clock for token expiry and error time stamps (tests). */
    public GatewayServer(GatewayConfig config, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        registry = new NamespaceRegistry(config);
    }

    /**
     * Creates or loads the development CA in {@code <dataDirectory>/tls}, binds the front ends and the rendezvous
     * ports on the bind address and returns where they listen. On failure everything bound so far is closed.
     *
     * @throws IOException if the CA cannot be created or a port cannot be bound (the message names the port)
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public synchronized GatewayAddresses start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        ListenSettings listen = config.listen();
        certificateAuthority = DevCertificateAuthority.loadOrCreate(config.dataDirectory().resolve(TLS_DIRECTORY),
                dnsNames(), ipAddresses());
        SslContext sslContext = listen.tlsEnabled() ? certificateAuthority.newServerSslContext() : null;
        RendezvousPorts ports = new RendezvousPorts(listen.rendezvousPorts());
        context = new GatewayContext(config.protocol(), registry, ports, channels, clock);
        acceptGroup = EventLoops.newGroup("relaysim-gateway-accept", 1);
        ioGroup = EventLoops.newGroup("relaysim-gateway-io", 0);
        try {
            // A front-end port inside the rendezvous range (9443 is g43's port by default) serves both roles.
            int tlsInstance = listen.tlsEnabled() ? listen.rendezvousPorts().instanceOf(listen.tlsPort()) : -1;
            int plainInstance = listen.plainEnabled() ? listen.rendezvousPorts().instanceOf(listen.plainPort()) : -1;
            Optional<InetSocketAddress> tls = Optional.empty();
            Optional<InetSocketAddress> plain = Optional.empty();
            if (listen.tlsEnabled()) {
                tls = Optional.of(bind("TLS front end", listen.tlsPort(), tlsInstance < 0
                        ? new FrontEndChannelInitializer(context, sslContext)
                        : new RendezvousChannelInitializer(context, sslContext, tlsInstance, true)));
            }
            if (listen.plainEnabled()) {
                plain = Optional.of(bind("plain front end", listen.plainPort(), plainInstance < 0
                        ? new FrontEndChannelInitializer(context, null)
                        : new RendezvousChannelInitializer(context, sslContext, plainInstance, true)));
            }
            List<InetSocketAddress> rendezvous = new ArrayList<>(ports.size());
            for (int instance = 0; instance < ports.size(); instance++) {
                if (instance == tlsInstance) {
                    rendezvous.add(tls.orElseThrow());
                } else if (instance == plainInstance) {
                    rendezvous.add(plain.orElseThrow());
                } else {
                    rendezvous.add(bind("rendezvous port of g" + instance, ports.port(instance),
                            new RendezvousChannelInitializer(context, sslContext, instance, false)));
                }
            }
            addresses = new GatewayAddresses(tls, plain, rendezvous);
        } catch (IOException | RuntimeException e) {
            shutdown();
            closed = true;
            throw e;
        }
        logger.info("gateway started: TLS {}, plain {}, rendezvous {} on {}",
                addresses.tls().map(Object::toString).orElse("off"),
                addresses.plain().map(Object::toString).orElse("off"),
                listen.rendezvousPorts(), listen.bindAddress());
        return addresses;
    }

    /** Where the gateway listens; throws before {@link #start()}. */
    public synchronized GatewayAddresses addresses() {
        if (addresses == null) {
            throw new IllegalStateException("not started");
        }
        return addresses;
    }

    /** The development CA whose server certificate the TLS endpoints present; throws before {@link #start()}. */
    public synchronized DevCertificateAuthority certificateAuthority() {
        if (certificateAuthority == null) {
            throw new IllegalStateException("not started");
        }
        return certificateAuthority;
    }

    public GatewayConfig config() {
        return config;
    }

    /** Stops the gateway gracefully; returns once every event loop has terminated. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        logger.info("gateway stopping");
        shutdown();
        logger.info("gateway stopped");
    }

    private void shutdown() {
        Duration timeout = config.protocol().shutdownTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Channel server : serverChannels) {
            server.close().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
        List<ChannelFuture> controlClosures = new ArrayList<>();
        for (Namespace namespace : registry.namespaces()) {
            for (HybridConnection entity : namespace.hybridConnections()) {
                for (ListenerConnection listener : entity.listeners().snapshot()) {
                    controlClosures.add(listener.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, SHUTDOWN_REASON));
                }
            }
        }
        for (ChannelFuture closure : controlClosures) {
            closure.awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
        if (context != null) {
            for (RelayPair pair : List.copyOf(context.relayPairs())) {
                if (!pair.closeFuture().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                    logger.info("relay pairs still open after {}; closing them", timeout);
                    break;
                }
            }
        }
        channels.close().awaitUninterruptibly(Math.max(remainingMillis(deadline), 1000), TimeUnit.MILLISECONDS);
        List<Future<?>> terminations = new ArrayList<>(2);
        for (EventLoopGroup group : new EventLoopGroup[] {ioGroup, acceptGroup}) {
            if (group != null) {
                terminations.add(group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        for (Future<?> termination : terminations) {
            termination.awaitUninterruptibly(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private InetSocketAddress bind(String what, int port, ChannelHandler initializer) throws IOException {
        String bindAddress = config.listen().bindAddress();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(EventLoops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayPair.WRITE_BUFFER_WATER_MARK)
                .childHandler(initializer);
        ChannelFuture bound = bootstrap.bind(bindAddress, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String message = what + " " + bindAddress + ':' + port + ": " + cause.getMessage();
            if (cause instanceof BindException) {
                BindException exception = new BindException(message);
                exception.initCause(cause);
                throw exception;
            }
            throw new IOException(message, cause);
        }
        Channel channel = bound.channel();
        serverChannels.add(channel);
        channels.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    /** SANs: localhost, every namespace's host name and Private Link name, and the bind address if it is a name. */
    private Set<String> dnsNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        for (Namespace namespace : registry.namespaces()) {
            names.add(namespace.hostName());
            names.add(namespace.privateLinkHostName());
        }
        String bindAddress = config.listen().bindAddress();
        if (!NetUtil.isValidIpV4Address(bindAddress) && !NetUtil.isValidIpV6Address(bindAddress)) {
            names.add(bindAddress);
        }
        return names;
    }

    /**
     * SANs: 127.0.0.1 and the bind address if it is an IP literal; for a wildcard bind address every address of the
     * machine's interfaces instead, since accept addresses name the local address a listener reached.
     */
    private Set<String> ipAddresses() throws IOException {
        Set<String> addresses = new LinkedHashSet<>();
        addresses.add("127.0.0.1");
        String bindAddress = config.listen().bindAddress();
        if (bindAddress.equals("0.0.0.0") || bindAddress.equals("::")) {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int scope = text.indexOf('%');
                    addresses.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
        } else if (NetUtil.isValidIpV4Address(bindAddress) || NetUtil.isValidIpV6Address(bindAddress)) {
            addresses.add(bindAddress);
        }
        return addresses;
    }
}
