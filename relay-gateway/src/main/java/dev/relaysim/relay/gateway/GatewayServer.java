package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.internal.cluster.HazelcastCluster;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.config.DnsSettings;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.dns.DnsServer;
import dev.relaysim.relay.gateway.internal.events.EventFileWriter;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.management.CaCertificateEndpoint;
import dev.relaysim.relay.gateway.internal.management.HealthEndpoint;
import dev.relaysim.relay.gateway.internal.management.arm.ArmApi;
import dev.relaysim.relay.gateway.internal.management.console.ConsoleAssets;
import dev.relaysim.relay.gateway.internal.management.console.TrafficHistory;
import dev.relaysim.relay.gateway.internal.metrics.MicrometerGatewayMetrics;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.internal.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.internal.admission.ServiceErrors;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.internal.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The gateway: a TLS front end, a plain front end and one rendezvous port per gateway instance ({@link RelayPorts},
 * each port with its role), sharing one {@link GatewayContext}, the management HTTP server ({@link ManagementServer}:
 * {@code /health}, {@code /metrics}, the ARM-shaped {@link ArmApi} changing the {@link NetworkState}, the fault
 * toggles, the web console {@link ConsoleAssets} and its {@link TrafficHistory}) on an event loop of its own, and the
 * split-horizon {@link DnsServer} (UDP and TCP) when {@code dns.enabled}. The relay ports are bound on the bind
 * address and again, with the same port numbers, on every private endpoint's address of the live
 * {@link NetworkState} ({@link EndpointAddresses}; the server certificate of {@link ServerCertificates} is reissued to
 * cover new addresses). This class assembles those parts and runs the lifecycle: {@link #start()} binds them all and
 * returns the bound addresses of the bind address; {@link #close()} stops gracefully:
 * <ol>
 *   <li>report unhealthy on {@code /health} (503), which keeps answering until the drain is over;</li>
 *   <li>stop accepting (close the front-end and rendezvous server channels);</li>
 *   <li>send close 1001 to every listener control channel;</li>
 *   <li>let relayed connections drain for up to {@code shutdownTimeout}, then close both legs of each one left
 *       with 1001 and give their close handshakes up to a second;</li>
 *   <li>close every remaining channel (the protocol handler sends 1001 on WebSockets) and the management
 *       server;</li>
 *   <li>shut the event loops down and wait for them.</li>
 * </ol>
 * A gateway starts once; {@code close()} is idempotent and may be called from any thread, also when
 * {@code start()} failed.
 */
public final class GatewayServer implements AutoCloseable {

    /** The reason of the close frame (1001) listeners get when their hybrid connection is deleted. */
    public static final String ENTITY_DELETED_REASON = "The hybrid connection was deleted";
    /** The reason of the close frame control channels get when the gateway stops. */
    public static final String SHUTDOWN_REASON = "The gateway is shutting down";
    /** Longest the shutdown waits for the relay pairs it closed at its deadline to finish their close handshakes. */
    private static final Duration PAIR_CLOSE_WAIT = Duration.ofSeconds(1);

    private static final Logger logger = LoggerFactory.getLogger(GatewayServer.class);

    private final GatewayConfig config;
    private final Clock clock;
    private final NamespaceRegistry registry;
    private final ChannelGroup channels = new DefaultChannelGroup("relaysim-gateway", GlobalEventExecutor.INSTANCE);
    private final ServerBinder binder = new ServerBinder(channels);
    /** The server channels on the bind address (relay ports, management), closed first by the shutdown. */
    private final List<Channel> serverChannels = new ArrayList<>();
    private final NetworkState networkState;
    /** The private DNS zone's failure toggles, read by the DNS responders per query. */
    private final AtomicReference<DnsFaults> dnsFaults;
    private final ServerCertificates certificates;
    /** This node's cluster, or {@link ListenerCluster#SINGLE_NODE}; started by {@link #start()}. */
    private volatile ListenerCluster cluster = ListenerCluster.SINGLE_NODE;
    private @Nullable GatewayContext context;
    private @Nullable EndpointAddresses endpointAddresses;
    /** Null when DNS is off. */
    private @Nullable DnsResponders dns;
    private @Nullable EventLoopGroup acceptGroup;
    private @Nullable EventLoopGroup ioGroup;
    private @Nullable EventLoopGroup managementGroup;
    private @Nullable PrometheusMeterRegistry meterRegistry;
    private @Nullable MicrometerGatewayMetrics metrics;
    private @Nullable EventJournal events;
    /** Appends events to the data directory when {@code events.file}; null otherwise. */
    private @Nullable EventFileWriter eventFile;
    /** Read by {@code /health} on the management loop. */
    private volatile @Nullable GatewayAddresses addresses;
    /** Whether {@code /health} reports healthy: from the end of {@link #start()} to the start of {@link #close()}. */
    private volatile boolean serving;
    private boolean started;
    private boolean closed;

    public GatewayServer(GatewayConfig config) {
        this(config, Clock.systemUTC());
    }

    /** With a clock for token expiry and error time stamps (tests). */
    public GatewayServer(GatewayConfig config, Clock clock) {
        this(config, clock, Set.of());
    }

    /**
     * With names the server certificate covers too, such as wildcards for host names the gateway is reached by
     * ({@code gateway --netns}: {@code *.servicebus.windows.net}).
     */
    public GatewayServer(GatewayConfig config, Clock clock, Set<String> extraServerNames) {
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        registry = new NamespaceRegistry(config);
        networkState = new NetworkState(config.networkModel());
        dnsFaults = new AtomicReference<>(config.dns().faults());
        certificates = new ServerCertificates(config, registry, networkState, extraServerNames);
    }

    /**
     * Restores the management API's saved namespaces and network state when the data directory was configured
     * explicitly ({@link NetworkStateFile}), joins the cluster when there is one (whose management state then replaces
     * this node's), creates or loads the development CA in {@code <dataDirectory>/tls},
     * binds the front ends and the rendezvous ports on the bind address and returns where they listen. On failure
     * everything bound so far is closed.
     *
     * @throws IOException if the saved network state is broken (the message names the file and the problem), the CA
     *                     cannot be created or a port cannot be bound (the message names the port)
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public synchronized GatewayAddresses start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        if (config.dataDirectoryExplicit()) {
            SavedManagementState.restore(config, registry, networkState);
        }
        ListenSettings listen = config.listen();
        // Before the certificate: a node joining a cluster takes the cluster's namespaces and private endpoints.
        // Before anything that needs closing: a cluster that does not start leaves nothing behind.
        ListenerCluster cluster = startCluster(listen);
        this.cluster = cluster;
        try {
            certificates.load();
        } catch (IOException | RuntimeException e) {
            cluster.close(); // leaves the cluster this node would not serve
            throw e;
        }
        Instant startedAt = clock.instant();
        meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new MicrometerGatewayMetrics(meterRegistry);
        events = new EventJournal(config.events().capacity());
        cluster.bindMeters(meterRegistry);
        EventLoopGroup acceptGroup = EventLoops.newGroup("relaysim-gateway-accept", 1);
        EventLoopGroup ioGroup = EventLoops.newGroup("relaysim-gateway-io", EventLoops.oneLoopPerCore());
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
        GatewayContext context = new GatewayContext(config.protocol(), registry,
                new RendezvousPorts(listen.rendezvousPorts(), listen.advertised(), EventLoops.loopsOf(ioGroup),
                        RelayPorts.dedicatedRendezvous(listen)), channels, clock, metrics,
                new NetworkGuard(networkState), config.limits(), events, cluster);
        this.context = context;
        context.rendezvousFaults().set(config.faults());
        // Every configured hybrid connection's series exist from the start (at 0), not from their first use.
        for (Namespace namespace : registry.namespaces()) {
            for (HybridConnection entity : namespace.hybridConnections()) {
                context.metrics(entity);
            }
        }
        if (listen.managementEnabled()) {
            managementGroup = EventLoops.newGroup("relaysim-gateway-management", 1);
            metrics.bindEventLoops(acceptGroup, ioGroup, managementGroup);
        } else {
            metrics.bindEventLoops(acceptGroup, ioGroup);
        }
        try {
            RelayPorts relayPorts = new RelayPorts(listen, binder, acceptGroup, ioGroup, context,
                    certificates.sslContext());
            List<Channel> relayChannels = relayPorts.bind(listen.bindAddress());
            serverChannels.addAll(relayChannels);
            InetSocketAddress management = managementGroup == null ? null
                    : startManagement(managementGroup, context, startedAt);
            InetSocketAddress dnsAddress = config.dns().enabled() ? startDns(ioGroup) : null;
            if (config.events().file() && config.dataDirectoryExplicit()) {
                eventFile = new EventFileWriter(events, config.dataDirectory());
                eventFile.start();
            }
            addresses = relayPorts.addresses(relayChannels, management, dnsAddress);
            endpointAddresses = new EndpointAddresses(listen.bindAddress(), relayPorts, certificates);
            endpointAddresses.bindPrivateEndpoints(networkState.current());
            networkState.onChange(this::networkChanged);
            registry.onChange(this::registryChanged);
            if (config.cluster().enabled()) {
                catchUpWithTheCluster();
            }
            serving = true;
        } catch (IOException | RuntimeException e) {
            shutdown();
            closed = true;
            throw e;
        }
        GatewayAddresses bound = requireNonNull(addresses);
        logger.info("gateway started: TLS {}, plain {}, rendezvous {} on {}, management {}, DNS {}",
                bound.tls().map(Object::toString).orElse("off"),
                bound.plain().map(Object::toString).orElse("off"),
                listen.rendezvousPorts(), listen.bindAddress(),
                bound.management().map(Object::toString).orElse("off"),
                bound.dns().map(Object::toString).orElse("off"));
        PublicSecretsWarning.of(config).ifPresent(logger::warn);
        return bound;
    }

    /**
     * Joins the cluster when {@code cluster.members} is set and shares the management state with it (the cluster's
     * state wins over this node's own); {@link ListenerCluster#SINGLE_NODE} otherwise.
     */
    private ListenerCluster startCluster(ListenSettings listen) {
        if (!config.cluster().enabled()) {
            return ListenerCluster.SINGLE_NODE;
        }
        HazelcastCluster joined = HazelcastCluster.start(config.cluster(), listen.bindAddress(), registry);
        try {
            joined.shareManagementState(registry, networkState);
        } catch (RuntimeException e) {
            joined.close();
            throw e;
        }
        return joined;
    }

    /** Binds the management server on {@code group}; it reads the parts {@link #start()} made before. */
    private InetSocketAddress startManagement(EventLoopGroup group, GatewayContext context, Instant startedAt)
            throws IOException {
        HealthEndpoint health = new HealthEndpoint(this::serving, () -> ManagementServer.healthPorts(addresses),
                clock, startedAt, () -> cluster.status());
        Channel channel = new ManagementServer(config, registry, networkState, requireNonNull(events), dnsFaults,
                context.rendezvousFaults(), requireNonNull(meterRegistry), health,
                new CaCertificateEndpoint(this::certificateAuthority), clock)
                .bind(binder, group, channels);
        serverChannels.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    /** Starts the DNS responder on {@code dns.bindAddress}; public chains end at the public front end. */
    private InetSocketAddress startDns(EventLoopGroup ioGroup) throws IOException {
        DnsSettings settings = config.dns();
        DnsResponders responders = new DnsResponders(registry, networkState, dnsFaults, requireNonNull(metrics),
                channels, ioGroup, () -> cluster.nodeAddresses());
        dns = responders;
        return responders.bind(settings.bindAddress(), settings.port(), DnsResponders.publicAddress(config.listen()),
                false);
    }

    /** Where the gateway listens; throws before {@link #start()}. */
    public synchronized GatewayAddresses addresses() {
        return started(addresses);
    }

    /**
     * The development CA whose server certificate the TLS endpoints present; throws before {@link #start()}. Not
     * synchronized on the gateway: {@code /relaysim/ca.pem} reads it on the management loop, which a
     * {@link #close()} in progress waits for.
     */
    public DevCertificateAuthority certificateAuthority() {
        return certificates.authority();
    }

    /**
     * The registry of the gateway's meters ({@code relay.*}, JVM, event loops), which {@code /metrics} serves;
     * throws before {@link #start()}.
     */
    public synchronized MeterRegistry meterRegistry() {
        return started(meterRegistry);
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * What the pipelines share: the rendezvous table, the relay pairs, every open channel (server channels and every
     * accepted connection), the live connection counts behind {@code limits}; throws before {@link #start()}.
     */
    public synchronized GatewayContext context() {
        return started(context);
    }

    /**
     * The live network settings (virtual networks, rule sets, private endpoints): the single source of truth at run
     * time. Changes through {@link NetworkState#update} apply at once: private endpoint addresses are bound and
     * unbound, open connections are judged again.
     */
    public NetworkState networkState() {
        return networkState;
    }

    /**
     * Where the gateway listens on each private endpoint's address (front ends first, then the rendezvous ports);
     * an endpoint whose address could not be bound is missing. Empty before {@link #start()}.
     */
    public synchronized Map<InetAddress, List<InetSocketAddress>> privateEndpointAddresses() {
        return endpointAddresses == null ? Map.of() : endpointAddresses.privateEndpointAddresses();
    }

    /** The event journal ({@code GET /relaysim/events} reads it too); {@code null} before {@link #start()}. */
    public @Nullable EventJournal events() {
        return events;
    }

    /** The live rendezvous fault toggle ({@code PUT /relaysim/faults/rendezvous} changes it too). */
    public AtomicReference<RendezvousFaults> rendezvousFaults() {
        return context().rendezvousFaults();
    }

    /** The live failure toggles of the private DNS zone ({@code PUT /relaysim/dns/faults} changes them too). */
    public AtomicReference<DnsFaults> dnsFaults() {
        return dnsFaults;
    }

    /**
     * Answers DNS (UDP and TCP) on a simulated virtual network's resolver address too ({@code gateway --netns}),
     * with the same split horizon as on {@code dns.bindAddress}, saying recursion is available as Azure DNS does, and
     * with public chains ending in {@code publicAddress}: where the public front ends are reached from that network
     * ({@link #bindPublicFrontEnds}). Closed by {@link #close()}.
     *
     * @return the bound UDP address
     * @throws IOException naming the address and port when they cannot be bound
     * @throws IllegalStateException before {@link #start()}, after {@link #close()} or with DNS disabled
     */
    public synchronized InetSocketAddress bindDns(String address, int port, Inet4Address publicAddress)
            throws IOException {
        if (dns == null || closed) {
            throw new IllegalStateException(closed ? "closed" : "the DNS responder is not running");
        }
        return dns.bind(address, port, publicAddress, true);
    }

    /**
     * Serves the front ends and the rendezvous ports on {@code frontEnds} too, on the same port numbers as on the
     * bind address: where a simulated virtual network reaches the namespaces' public endpoint ({@code gateway
     * --netns}). No private endpoint has these addresses, so the network rules judge what arrives there as public
     * traffic from its real source. The server certificate is reissued to cover them first, since accept addresses
     * name the address a listener reached. Addresses already served are skipped; closed by {@link #close()}.
     *
     * @throws IOException naming the address and port that cannot be bound (the addresses before it stay bound)
     * @throws IllegalStateException before {@link #start()} or after {@link #close()}
     */
    public synchronized void bindPublicFrontEnds(Collection<Inet4Address> frontEnds) throws IOException {
        requireNonNull(frontEnds, "frontEnds");
        if (closed || endpointAddresses == null) {
            throw new IllegalStateException(closed ? "closed" : "not started");
        }
        endpointAddresses.bindPublicFrontEnds(frontEnds);
    }

    /** Stops the gateway gracefully; returns once every event loop has terminated. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serving = false;
        if (!started) {
            return;
        }
        logger.info("gateway stopping");
        shutdown();
        logger.info("gateway stopped");
    }

    private static <T> T started(@Nullable T part) {
        if (part == null) {
            throw new IllegalStateException("not started");
        }
        return part;
    }

    private boolean serving() {
        return serving;
    }

    /** Binds new private endpoint addresses and unbinds those of endpoints that are gone. */
    private synchronized void networkChanged(NetworkModel model) {
        if (!closed && endpointAddresses != null) {
            endpointAddresses.networkChanged(model);
        }
    }

    /**
     * Acts on what other nodes changed while this one was starting, before it followed the changes: the certificate
     * covers every namespace, every private endpoint address is served, the DNS responders answer for every namespace.
     */
    private void catchUpWithTheCluster() {
        certificates.reissue("namespaces the cluster added while this node was starting");
        networkChanged(networkState.current());
        if (dns != null) {
            dns.namespacesChanged();
        }
    }

    /**
     * Follows the management API's changes of namespaces and hybrid connections: the certificate covers new
     * namespaces' names, the DNS responders answer for the current set, and the listeners of deleted hybrid
     * connections are closed with 1001, as the service closes them when their entity is deleted.
     */
    private synchronized void registryChanged(NamespaceRegistry.Change change) {
        if (closed) {
            return;
        }
        if (dns != null) {
            dns.namespacesChanged();
        }
        if (!change.addedNamespaces().isEmpty()) {
            certificates.reissue("new namespaces " + change.addedNamespaces());
        }
        GatewayContext context = requireNonNull(this.context);
        for (Namespace namespace : registry.namespaces()) {
            namespace.hybridConnections().forEach(context::metrics);
        }
        for (HybridConnection entity : change.removedEntities()) {
            for (ListenerConnection listener : entity.listeners().snapshot()) {
                listener.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, ENTITY_DELETED_REASON);
            }
        }
    }
    /**
     * Senders held for a rendezvous can no longer be accepted once the ports are closed: they get 503 at once rather
     * than waiting for the rendezvous timeout.
     */
    private void refuseWaitingSenders(GatewayContext context) {
        for (PendingRendezvous pending : context.rendezvousTable().drain()) {
            Channel sender = pending.sender();
            sender.eventLoop().execute(() -> {
                context.metrics(pending.match().entity()).rendezvousAbandoned();
                pending.request().release();
                ServiceErrors.respondAndClose(sender, 503, ServiceErrors.describe(SHUTDOWN_REASON + '.',
                        ServiceErrors.trackingId(pending.instance()), pending.match().entity().systemTracker(),
                        clock.instant()));
            });
        }
    }

    private void shutdown() {
        Duration timeout = config.protocol().shutdownTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Channel> servers = new ArrayList<>(serverChannels);
        if (dns != null) {
            servers.addAll(dns.serverChannels());
        }
        if (endpointAddresses != null) {
            servers.addAll(endpointAddresses.serverChannels());
        }
        for (Channel server : servers) {
            server.close().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
        GatewayContext context = this.context;
        if (context != null) {
            refuseWaitingSenders(context);
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
                    closeRelayPairs(context);
                    break;
                }
            }
        }
        channels.close().awaitUninterruptibly(Math.max(remainingMillis(deadline), 1000), TimeUnit.MILLISECONDS);
        List<Future<?>> terminations = new ArrayList<>(3);
        for (EventLoopGroup group : new EventLoopGroup[] {ioGroup, acceptGroup, managementGroup}) {
            if (group != null) {
                terminations.add(group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        for (Future<?> termination : terminations) {
            termination.awaitUninterruptibly(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }
        if (metrics != null) {
            metrics.close();
        }
        if (meterRegistry != null) {
            meterRegistry.close();
        }
        if (eventFile != null) {
            eventFile.close();
        }
        // Last: the control channels closed above gave their places in the cluster's directory back.
        cluster.close();
    }

    /**
     * Closes the relay pairs still open with 1001 on both legs, and waits for them up to {@link #PAIR_CLOSE_WAIT}.
     * Closing their channels one by one instead raced: a leg whose channel closed first made its pair send the other
     * leg 1011 (peer lost) before that leg's own 1001.
     */
    private void closeRelayPairs(GatewayContext context) {
        List<RelayPair> open = List.copyOf(context.relayPairs());
        for (RelayPair pair : open) {
            pair.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), SHUTDOWN_REASON);
        }
        long deadline = System.nanoTime() + PAIR_CLOSE_WAIT.toNanos();
        for (RelayPair pair : open) {
            pair.closeFuture().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
