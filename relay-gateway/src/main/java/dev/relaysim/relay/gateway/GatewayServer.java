package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.DnsSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.control.ListenerConnection;
import dev.relaysim.relay.gateway.dns.DnsAnswerer;
import dev.relaysim.relay.gateway.dns.DnsFaults;
import dev.relaysim.relay.gateway.dns.DnsFaultsEndpoint;
import dev.relaysim.relay.gateway.dns.DnsServer;
import dev.relaysim.relay.gateway.management.CaCertificateEndpoint;
import dev.relaysim.relay.gateway.events.EventFileWriter;
import dev.relaysim.relay.gateway.events.EventJournal;
import dev.relaysim.relay.gateway.events.EventsEndpoint;
import dev.relaysim.relay.gateway.management.HealthEndpoint;
import dev.relaysim.relay.gateway.management.ManagementChannelInitializer;
import dev.relaysim.relay.gateway.management.ManagementRoutes;
import dev.relaysim.relay.gateway.management.MetricsEndpoint;
import dev.relaysim.relay.gateway.management.arm.ArmApi;
import dev.relaysim.relay.gateway.management.console.ConsoleAssets;
import dev.relaysim.relay.gateway.management.console.TrafficHistory;
import dev.relaysim.relay.gateway.metrics.MicrometerGatewayMetrics;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkState;
import dev.relaysim.relay.gateway.network.NetworkStateFile;
import dev.relaysim.relay.gateway.pipeline.FrontEndChannelInitializer;
import dev.relaysim.relay.gateway.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.pipeline.NetworkGuard;
import dev.relaysim.relay.gateway.pipeline.RendezvousChannelInitializer;
import dev.relaysim.relay.gateway.pipeline.ServiceErrors;
import dev.relaysim.relay.gateway.registry.HybridConnection;
import dev.relaysim.relay.gateway.registry.Namespace;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.registry.NamespaceStateFile;
import dev.relaysim.relay.gateway.relay.RelayPair;
import dev.relaysim.relay.gateway.rendezvous.PendingRendezvous;
import dev.relaysim.relay.gateway.rendezvous.RendezvousFaults;
import dev.relaysim.relay.gateway.rendezvous.RendezvousFaultsEndpoint;
import dev.relaysim.relay.gateway.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The gateway: a TLS front end, a plain front end and one rendezvous port per gateway instance, sharing one
 * {@link GatewayContext}, and the management HTTP server ({@code /health}, {@code /metrics}, the ARM-shaped
 * {@link ArmApi} changing the {@link NetworkState}, {@code /relaysim/dns/faults}, {@code /relaysim/faults/rendezvous},
 * the web console {@link ConsoleAssets} and its {@link TrafficHistory}) on an event loop of its own, and
 * the split-horizon {@link DnsServer} (UDP and TCP) when {@code dns.enabled}. The front ends and rendezvous ports are bound on the bind address and again, with the same port numbers, on
 * every private endpoint's address of the live {@link NetworkState} (bound and unbound as endpoints come and go; the
 * server certificate is reissued to cover new addresses). {@link #start()} binds them all and returns the bound
 * addresses of the bind address; {@link #close()} stops gracefully:
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
    /** The console's charts: a sample of the traffic meters every 5 s for the last 10 minutes. */
    private static final Duration TRAFFIC_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    private static final Duration TRAFFIC_WINDOW = Duration.ofMinutes(10);

    private static final Logger logger = LoggerFactory.getLogger(GatewayServer.class);
    private static final String TLS_DIRECTORY = "tls";

    private final GatewayConfig config;
    private final Clock clock;
    private final NamespaceRegistry registry;
    private final ChannelGroup channels = new DefaultChannelGroup("relaysim-gateway", GlobalEventExecutor.INSTANCE);
    private final List<Channel> serverChannels = new ArrayList<>();
    private final NetworkState networkState;
    /** The private DNS zone's failure toggles, read by the DNS responder per query. */
    private final AtomicReference<DnsFaults> dnsFaults;
    /** Names the server certificate covers beyond the namespaces' own (e.g. {@code *.servicebus.windows.net}). */
    private final Set<String> extraServerNames;
    /** The DNS responder's answers on {@code dns.bindAddress}, told about new and deleted namespaces; null when DNS
     *  is off. */
    private DnsAnswerer dnsAnswerer;
    /** The answers on virtual networks' resolver addresses ({@link #bindDns}), one per resolver. */
    private final List<DnsAnswerer> resolverAnswerers = new ArrayList<>();
    /** The server channels listening on each private endpoint's address. */
    private final Map<InetAddress, List<Channel>> endpointChannels = new LinkedHashMap<>();
    /** Further addresses of the public front ends ({@link #bindPublicFrontEnds}), covered by the certificate. */
    private final Set<InetAddress> publicFrontEnds = new LinkedHashSet<>();
    /** Private endpoint addresses that could not be bound; not retried until the endpoint is gone and back. */
    private final Set<InetAddress> unboundEndpoints = new LinkedHashSet<>();
    /** The TLS context of every port, swapped when the certificate is reissued; null without TLS. */
    private SwappableSslContext sslContext;
    private int tlsInstance = -1;
    private int plainInstance = -1;
    private GatewayContext context;
    private DevCertificateAuthority certificateAuthority;
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private EventLoopGroup managementGroup;
    private PrometheusMeterRegistry meterRegistry;
    private MicrometerGatewayMetrics metrics;
    private EventJournal events;
    /** Appends events to the data directory when {@code events.file}; null otherwise. */
    private EventFileWriter eventFile;
    /** Read by {@code /health} on the management loop. */
    private volatile GatewayAddresses addresses;
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
        this.extraServerNames = Set.copyOf(requireNonNull(extraServerNames, "extraServerNames"));
        registry = new NamespaceRegistry(config);
        networkState = new NetworkState(config.networkModel());
        dnsFaults = new AtomicReference<>(config.dns().faults());
    }

    /**
     * Restores the management API's saved network state when the data directory was configured explicitly
     * ({@link NetworkStateFile}), creates or loads the development CA in {@code <dataDirectory>/tls}, binds the front
     * ends and the rendezvous ports on the bind address and returns where they listen. On failure everything bound
     * so far is closed.
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
            restoreNamespaces();
            restoreNetworkState();
        }
        ListenSettings listen = config.listen();
        certificateAuthority = DevCertificateAuthority.loadOrCreate(config.dataDirectory().resolve(TLS_DIRECTORY),
                dnsNames(), ipAddresses());
        sslContext = listen.tlsEnabled() ? new SwappableSslContext(certificateAuthority.newServerSslContext()) : null;
        RendezvousPorts ports = new RendezvousPorts(listen.rendezvousPorts(), listen.advertised());
        Instant startedAt = clock.instant();
        meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new MicrometerGatewayMetrics(meterRegistry);
        events = new EventJournal(config.events().capacity());
        context = new GatewayContext(config.protocol(), registry, ports, channels, clock, metrics,
                new NetworkGuard(networkState), config.limits(), events);
        context.rendezvousFaults().set(config.faults());
        // Every configured hybrid connection's series exist from the start (at 0), not from their first use.
        for (Namespace namespace : registry.namespaces()) {
            for (HybridConnection entity : namespace.hybridConnections()) {
                context.metrics(entity);
            }
        }
        acceptGroup = EventLoops.newGroup("relaysim-gateway-accept", 1);
        ioGroup = EventLoops.newGroup("relaysim-gateway-io", 0);
        if (listen.managementEnabled()) {
            managementGroup = EventLoops.newGroup("relaysim-gateway-management", 1);
            metrics.bindEventLoops(acceptGroup, ioGroup, managementGroup);
        } else {
            metrics.bindEventLoops(acceptGroup, ioGroup);
        }
        try {
            // A front-end port inside the rendezvous range (9443 is g43's port by default) serves both roles.
            tlsInstance = listen.tlsEnabled() ? listen.rendezvousPorts().instanceOf(listen.tlsPort()) : -1;
            plainInstance = listen.plainEnabled() ? listen.rendezvousPorts().instanceOf(listen.plainPort()) : -1;
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
            Optional<InetSocketAddress> management = Optional.empty();
            if (listen.managementEnabled()) {
                ArmApi armApi = new ArmApi(config, registry, networkState, events);
                EventsEndpoint eventsEndpoint = new EventsEndpoint(events);
                DnsFaultsEndpoint faultsEndpoint = new DnsFaultsEndpoint(dnsFaults,
                        config.namespaces().stream().map(NamespaceConfig::name).toList());
                RendezvousFaultsEndpoint rendezvousFaults = new RendezvousFaultsEndpoint(context.rendezvousFaults(),
                        listen.rendezvousPorts());
                TrafficHistory trafficHistory = new TrafficHistory(meterRegistry, clock, TRAFFIC_SAMPLE_INTERVAL,
                        TRAFFIC_WINDOW);
                ManagementRoutes routes = new ConsoleAssets().addRoutes(armApi.addRoutes(
                        ManagementRoutes.builder()
                                .route(HttpMethod.GET, TrafficHistory.PATH, armApi.adminOnly(trafficHistory::get))
                                .route(HttpMethod.GET, DnsFaultsEndpoint.PATH, armApi.adminOnly(faultsEndpoint::get))
                                .route(HttpMethod.PUT, DnsFaultsEndpoint.PATH, armApi.adminOnly(faultsEndpoint::put))
                                .route(HttpMethod.GET, RendezvousFaultsEndpoint.PATH, armApi.adminOnly(rendezvousFaults::get))
                                .route(HttpMethod.PUT, RendezvousFaultsEndpoint.PATH, armApi.adminOnly(rendezvousFaults::put))
                                .route(HttpMethod.GET, EventsEndpoint.PATH, armApi.adminOnly(eventsEndpoint::list))
                                .route(HttpMethod.GET, EventsEndpoint.STREAM_PATH,
                                        armApi.adminOnly(eventsEndpoint::stream))
                                .route(HttpMethod.GET, "/health",
                                        new HealthEndpoint(this::serving, this::ports, clock, startedAt))
                                .route(HttpMethod.GET, "/metrics", new MetricsEndpoint(meterRegistry))
                                .route(HttpMethod.GET, CaCertificateEndpoint.PATH,
                                        new CaCertificateEndpoint(this::certificateAuthority))))
                        .build();
                long sampleMillis = TRAFFIC_SAMPLE_INTERVAL.toMillis();
                managementGroup.next().scheduleAtFixedRate(trafficHistory::sample, 0, sampleMillis,
                        TimeUnit.MILLISECONDS);
                management = Optional.of((InetSocketAddress) bind("management server", listen.managementPort(),
                        managementGroup, managementGroup, new ManagementChannelInitializer(routes, channels))
                        .localAddress());
            }
            Optional<InetSocketAddress> dns = Optional.empty();
            DnsSettings dnsSettings = config.dns();
            if (dnsSettings.enabled()) {
                dnsAnswerer = new DnsAnswerer(registry.configs(), networkState::current, publicAddress(),
                        dnsFaults::get);
                Channel[] bound = new DnsServer(dnsAnswerer, metrics, channels)
                        .bind(ioGroup, dnsSettings.bindAddress(), dnsSettings.port());
                serverChannels.addAll(List.of(bound));
                dns = Optional.of((InetSocketAddress) bound[0].localAddress());
            }
            if (config.events().file() && config.dataDirectoryExplicit()) {
                eventFile = new EventFileWriter(events, config.dataDirectory());
                eventFile.start();
            }
            addresses = new GatewayAddresses(tls, plain, rendezvous, management, dns);
            bindPrivateEndpoints(networkState.current());
            networkState.onChange(this::networkChanged);
            registry.onChange(this::registryChanged);
            serving = true;
        } catch (IOException | RuntimeException e) {
            shutdown();
            closed = true;
            throw e;
        }
        logger.info("gateway started: TLS {}, plain {}, rendezvous {} on {}, management {}, DNS {}",
                addresses.tls().map(Object::toString).orElse("off"),
                addresses.plain().map(Object::toString).orElse("off"),
                listen.rendezvousPorts(), listen.bindAddress(),
                addresses.management().map(Object::toString).orElse("off"),
                addresses.dns().map(Object::toString).orElse("off"));
        publicSecretsWarning(config).ifPresent(logger::warn);
        return addresses;
    }

    /**
     * Replaces the configured network model with the one the management API saved in the data directory, if any,
     * and saves every later change there.
     *
     * @throws IOException naming the file and the problem when the saved state is unreadable or invalid
     */
    /** Restores the management API's namespaces, hybrid connections and rules ({@link NamespaceStateFile}). */
    private void restoreNamespaces() throws IOException {
        NamespaceStateFile stateFile = new NamespaceStateFile(config.dataDirectory());
        Optional<List<NamespaceConfig>> saved = stateFile.read();
        if (saved.isPresent()) {
            try {
                registry.update(configured -> saved.get());
            } catch (IllegalArgumentException e) {
                throw new IOException(stateFile.path() + ": " + e.getMessage() + "; the gateway does not start "
                        + "rather than drop the management changes saved there (fix the file, or delete it to start "
                        + "from the configuration alone)", e);
            }
            logger.info("namespaces restored from {}: they replace the configured namespaces, hybrid connections "
                    + "and rules", stateFile.path());
        }
        registry.storeWith(stateFile::write);
    }

    private void restoreNetworkState() throws IOException {
        NetworkStateFile stateFile = new NetworkStateFile(config.dataDirectory());
        Optional<NetworkModel> saved = stateFile.read(registry.namespaces().stream().map(Namespace::name)
                .collect(Collectors.toSet()));
        if (saved.isPresent()) {
            networkState.update(configured -> saved.get());
            logger.info("network state restored from {}: it replaces the configured virtual networks and namespace "
                    + "network settings", stateFile.path());
        } else {
            logger.info("management API changes will be saved in {}", stateFile.path());
        }
        networkState.storeWith(stateFile::write);
    }

    /**
     * A warning when the gateway listens beyond loopback (a wildcard, another interface's address or a host name other
     * than {@code localhost}) with secrets everybody knows: the development admin key of the management API or the
     * development SAS keys. Empty when it listens on loopback only or every such secret was replaced.
     */
    static Optional<String> publicSecretsWarning(GatewayConfig config) {
        ListenSettings listen = config.listen();
        String bind = listen.bindAddress();
        boolean literal = NetUtil.isValidIpV4Address(bind) || NetUtil.isValidIpV6Address(bind);
        if (bind.equalsIgnoreCase("localhost") || literal && NetUtil.createInetAddressFromIpAddressString(bind)
                .isLoopbackAddress()) {
            return Optional.empty();
        }
        List<String> known = new ArrayList<>();
        if (listen.managementEnabled() && ListenSettings.DEFAULT_ADMIN_KEY.equals(listen.managementAdminKey())) {
            known.add("the development admin key of the management API (listen.management.adminKey)");
        }
        List<String> rules = new ArrayList<>();
        for (NamespaceConfig namespace : config.namespaces()) {
            namespace.authorizationRules().stream().filter(GatewayServer::hasDevelopmentKey)
                    .forEach(rule -> rules.add(namespace.name() + '/' + rule.name()));
            namespace.hybridConnections().forEach(entity -> entity.authorizationRules().stream()
                    .filter(GatewayServer::hasDevelopmentKey)
                    .forEach(rule -> rules.add(namespace.name() + '/' + entity.name() + '/' + rule.name())));
        }
        if (!rules.isEmpty()) {
            known.add("the development SAS keys of rules " + rules);
        }
        return known.isEmpty() ? Optional.empty() : Optional.of("listening on " + bind + ", beyond loopback, with "
                + String.join(" and ", known) + ": they are public, so anyone who can reach this address can use "
                + "them; set your own keys or bind to 127.0.0.1");
    }

    private static boolean hasDevelopmentKey(AuthorizationRuleConfig rule) {
        Set<String> development = Set.of(DevDefaults.KEY, DevDefaults.SECONDARY_KEY);
        return development.contains(rule.primaryKey()) || development.contains(rule.secondaryKey());
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

    /**
     * The registry of the gateway's meters ({@code relay.*}, JVM, event loops), which {@code /metrics} serves;
     * throws before {@link #start()}.
     */
    public synchronized MeterRegistry meterRegistry() {
        if (meterRegistry == null) {
            throw new IllegalStateException("not started");
        }
        return meterRegistry;
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * What the pipelines share: the rendezvous table, the relay pairs, every open channel (server channels and every
     * accepted connection), the live connection counts behind {@code limits}; throws before {@link #start()}.
     */
    public synchronized GatewayContext context() {
        if (context == null) {
            throw new IllegalStateException("not started");
        }
        return context;
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
        Map<InetAddress, List<InetSocketAddress>> bound = new LinkedHashMap<>();
        endpointChannels.forEach((address, serverChannels) -> bound.put(address,
                serverChannels.stream().map(channel -> (InetSocketAddress) channel.localAddress()).toList()));
        return bound;
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

    /**
     * Senders held for a rendezvous can no longer be accepted once the ports are closed: they get 503 at once rather
     * than waiting for the rendezvous timeout.
     */
    private void refuseWaitingSenders() {
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
        for (Channel server : serverChannels) {
            server.close().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
        if (context != null) {
            refuseWaitingSenders();
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
                    closeRelayPairs();
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
            meterRegistry.close();
        }
        if (eventFile != null) {
            eventFile.close();
        }
    }

    /**
     * Closes the relay pairs still open with 1001 on both legs, and waits for them up to {@link #PAIR_CLOSE_WAIT}.
     * Closing their channels one by one instead raced: a leg whose channel closed first made its pair send the other
     * leg 1011 (peer lost) before that leg's own 1001.
     */
    private void closeRelayPairs() {
        List<RelayPair> open = List.copyOf(context.relayPairs());
        for (RelayPair pair : open) {
            pair.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), SHUTDOWN_REASON);
        }
        long deadline = System.nanoTime() + PAIR_CLOSE_WAIT.toNanos();
        for (RelayPair pair : open) {
            pair.closeFuture().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        }
    }

    private boolean serving() {
        return serving;
    }

    /**
     * The public front end's address, where public DNS chains end: the advertised host if it is an IPv4 literal, else
     * the bind address if it is an IPv4 literal other than the wildcard, else 127.0.0.1.
     */
    private Inet4Address publicAddress() throws IOException {
        String bindAddress = config.listen().bindAddress();
        Optional<String> advertised = config.listen().advertised().host().filter(NetUtil::isValidIpV4Address);
        String address = advertised.orElse(NetUtil.isValidIpV4Address(bindAddress) && !bindAddress.equals("0.0.0.0")
                ? bindAddress : "127.0.0.1");
        return (Inet4Address) InetAddress.getByName(address);
    }

    /** The event journal ({@code GET /relaysim/events} reads it too). */
    public EventJournal events() {
        return events;
    }

    /** The live rendezvous fault toggle ({@code PUT /relaysim/faults/rendezvous} changes it too). */
    public AtomicReference<RendezvousFaults> rendezvousFaults() {
        return context.rendezvousFaults();
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
        if (dnsAnswerer == null || closed) {
            throw new IllegalStateException(closed ? "closed" : "the DNS responder is not running");
        }
        DnsAnswerer answerer = new DnsAnswerer(registry.configs(), networkState::current, publicAddress,
                dnsFaults::get, true);
        Channel[] bound = new DnsServer(answerer, metrics, channels).bind(ioGroup, address, port);
        resolverAnswerers.add(answerer);
        serverChannels.addAll(List.of(bound));
        return (InetSocketAddress) bound[0].localAddress();
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
        if (closed || addresses == null) {
            throw new IllegalStateException(closed ? "closed" : "not started");
        }
        List<Inet4Address> added = frontEnds.stream().filter(address -> !publicFrontEnds.contains(address)
                && !isBindAddress(address)).toList();
        if (added.isEmpty()) {
            return;
        }
        publicFrontEnds.addAll(added);
        reissueCertificate("public front-end addresses " + added);
        for (int i = 0; i < added.size(); i++) {
            String host = added.get(i).getHostAddress();
            try {
                serverChannels.addAll(bindFrontEnds(host));
            } catch (IOException e) {
                added.subList(i, added.size()).forEach(publicFrontEnds::remove); // a later call may retry them
                throw e;
            }
            logger.info("listening as the public endpoint on {}", host);
        }
    }

    /** Binds new private endpoint addresses and unbinds those of endpoints that are gone. */
    private synchronized void networkChanged(NetworkModel model) {
        if (closed) {
            return;
        }
        Set<InetAddress> current = model.privateEndpointsByAddress().keySet();
        for (InetAddress address : List.copyOf(endpointChannels.keySet())) {
            if (!current.contains(address)) {
                for (Channel channel : endpointChannels.remove(address)) {
                    serverChannels.remove(channel);
                    ChannelFuture closed = channel.close();
                    if (!channel.eventLoop().inEventLoop()) {
                        closed.awaitUninterruptibly(); // unbound when the change returns
                    }
                }
                logger.info("stopped listening on {}: its private endpoint is gone", address.getHostAddress());
            }
        }
        unboundEndpoints.retainAll(current);
        if (current.stream().anyMatch(address -> !endpointChannels.containsKey(address)
                && !unboundEndpoints.contains(address) && !isBindAddress(address))) {
            // The server certificate must cover the new address: it is handed out in accept addresses.
            reissueCertificate("new private endpoint addresses");
            bindPrivateEndpoints(model);
        }
    }

    /**
     * Follows the management API's changes of namespaces and hybrid connections: the certificate covers new
     * namespaces' names, the DNS responder answers for the current set, and the listeners of deleted hybrid
     * connections are closed with 1001, as the service closes them when their entity is deleted.
     */
    private synchronized void registryChanged(NamespaceRegistry.Change change) {
        if (closed) {
            return;
        }
        if (dnsAnswerer != null) {
            dnsAnswerer.namespacesChanged(registry.configs());
        }
        for (DnsAnswerer answerer : resolverAnswerers) {
            answerer.namespacesChanged(registry.configs());
        }
        if (!change.addedNamespaces().isEmpty()) {
            reissueCertificate("new namespaces " + change.addedNamespaces());
        }
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
     * Makes the development CA reissue the server certificate when its names or addresses no longer cover the
     * gateway's ({@link DevCertificateAuthority#loadOrCreate} reissues only then), and gives new connections the new
     * one; open connections keep theirs.
     */
    private synchronized void reissueCertificate(String why) {
        try {
            certificateAuthority = DevCertificateAuthority.loadOrCreate(
                    config.dataDirectory().resolve(TLS_DIRECTORY), dnsNames(), ipAddresses());
            if (sslContext != null) {
                sslContext.swap(certificateAuthority.newServerSslContext());
            }
        } catch (IOException e) {
            logger.warn("cannot reissue the server certificate for {}: {}", why, e.getMessage());
        }
    }

    /**
     * Listens on every private endpoint address of {@code model} not bound yet: the front ends and the rendezvous
     * ports, on the same port numbers as on the bind address. Not with a wildcard bind address, which covers them.
     * An address that cannot be bound (not configured on this machine) is logged and skipped.
     */
    private void bindPrivateEndpoints(NetworkModel model) {
        for (Map.Entry<InetAddress, NetworkModel.Owned> entry : model.privateEndpointsByAddress().entrySet()) {
            InetAddress address = entry.getKey();
            if (endpointChannels.containsKey(address) || unboundEndpoints.contains(address)
                    || isBindAddress(address)) {
                continue;
            }
            String host = address.getHostAddress();
            List<Channel> bound;
            try {
                bound = bindFrontEnds(host);
            } catch (IOException e) {
                unboundEndpoints.add(address);
                logger.warn("private endpoint {} of {}: cannot listen on {} ({}); on Linux 127.0.0.0/8 is all "
                                + "loopback, elsewhere add the address to an interface (e.g. macOS: sudo ifconfig "
                                + "lo0 alias {})", entry.getValue().endpoint().name(), entry.getValue().namespace(),
                        host, e.getMessage(), host);
                continue;
            }
            serverChannels.addAll(bound);
            endpointChannels.put(address, bound);
            logger.info("listening on private endpoint {} of {} at {}", entry.getValue().endpoint().name(),
                    entry.getValue().namespace(), host);
        }
    }

    /**
     * Binds the front ends and the rendezvous ports on {@code host}, on the same port numbers as on the bind address;
     * on failure closes what it bound.
     */
    private List<Channel> bindFrontEnds(String host) throws IOException {
        List<Channel> bound = new ArrayList<>();
        try {
            if (addresses.tls().isPresent()) {
                bound.add(bind("TLS front end", host, addresses.tlsPort(), acceptGroup, ioGroup, tlsInstance < 0
                        ? new FrontEndChannelInitializer(context, sslContext)
                        : new RendezvousChannelInitializer(context, sslContext, tlsInstance, true)));
            }
            if (addresses.plain().isPresent()) {
                bound.add(bind("plain front end", host, addresses.plainPort(), acceptGroup, ioGroup,
                        plainInstance < 0
                                ? new FrontEndChannelInitializer(context, null)
                                : new RendezvousChannelInitializer(context, sslContext, plainInstance, true)));
            }
            for (int instance = 0; instance < addresses.rendezvous().size(); instance++) {
                if (instance != tlsInstance && instance != plainInstance) {
                    bound.add(bind("rendezvous port of g" + instance, host,
                            addresses.rendezvous().get(instance).getPort(), acceptGroup, ioGroup,
                            new RendezvousChannelInitializer(context, sslContext, instance, false)));
                }
            }
            return bound;
        } catch (IOException e) {
            bound.forEach(Channel::close);
            throw e;
        }
    }

    /** Whether {@code address} is the bind address itself or the bind address is a wildcard. */
    private boolean isBindAddress(InetAddress address) {
        String bindAddress = config.listen().bindAddress();
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
                || bindAddress.equals(address.getHostAddress());
    }

    /** The bound ports by name, for {@code /health}: tls, plain, rendezvous ("first-last"), management. */
    private Map<String, Object> ports() {
        Map<String, Object> ports = new LinkedHashMap<>();
        GatewayAddresses bound = addresses;
        if (bound != null) {
            bound.tls().ifPresent(tls -> ports.put("tls", tls.getPort()));
            bound.plain().ifPresent(plain -> ports.put("plain", plain.getPort()));
            List<InetSocketAddress> rendezvous = bound.rendezvous();
            ports.put("rendezvous",
                    rendezvous.get(0).getPort() + "-" + rendezvous.get(rendezvous.size() - 1).getPort());
            bound.management().ifPresent(management -> ports.put("management", management.getPort()));
            bound.dns().ifPresent(dns -> ports.put("dns", dns.getPort()));
        }
        return ports;
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Binds a front end or a rendezvous port: closed first by {@link #close()}. */
    private InetSocketAddress bind(String what, int port, ChannelHandler initializer) throws IOException {
        Channel channel = bind(what, port, acceptGroup, ioGroup, initializer);
        serverChannels.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    /** Binds a server channel on the bind address and adds it to {@link #channels}. */
    private Channel bind(String what, int port, EventLoopGroup parentGroup, EventLoopGroup childGroup,
                         ChannelHandler initializer) throws IOException {
        return bind(what, config.listen().bindAddress(), port, parentGroup, childGroup, initializer);
    }

    /** Binds a server channel on {@code bindAddress} and adds it to {@link #channels}. */
    private Channel bind(String what, String bindAddress, int port, EventLoopGroup parentGroup,
                         EventLoopGroup childGroup, ChannelHandler initializer) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(parentGroup, childGroup)
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
            if (EventLoops.isAddressInUse(cause)) {
                BindException exception = new BindException(message);
                exception.initCause(cause);
                throw exception;
            }
            throw new IOException(message, cause);
        }
        Channel channel = bound.channel();
        channels.add(channel);
        return channel;
    }

    /**
     * SANs: localhost, every namespace's host name and Private Link name, and the bind address and the advertised host
     * if they are names.
     */
    private Set<String> dnsNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.addAll(extraServerNames);
        for (Namespace namespace : registry.namespaces()) {
            names.add(namespace.hostName());
            names.add(namespace.privateLinkHostName());
        }
        String bindAddress = config.listen().bindAddress();
        if (!NetUtil.isValidIpV4Address(bindAddress) && !NetUtil.isValidIpV6Address(bindAddress)) {
            names.add(bindAddress);
        }
        config.listen().advertised().host()
                .filter(host -> !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host))
                .ifPresent(names::add);
        return names;
    }

    /**
     * SANs: 127.0.0.1 and the bind address if it is an IP literal; for a wildcard bind address every address of the
     * machine's interfaces instead, since accept addresses name the local address a listener reached; and every
     * private endpoint's address and every further public front-end address, for the same reason; and the advertised
     * host if it is an IP literal.
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
        for (InetAddress endpoint : networkState.current().privateEndpointsByAddress().keySet()) {
            addresses.add(endpoint.getHostAddress());
        }
        publicFrontEnds.forEach(address -> addresses.add(address.getHostAddress()));
        config.listen().advertised().host()
                .filter(host -> NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host))
                .ifPresent(addresses::add);
        return addresses;
    }
}
