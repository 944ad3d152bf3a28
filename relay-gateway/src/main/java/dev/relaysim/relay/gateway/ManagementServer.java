package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.internal.dns.DnsFaultsEndpoint;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.EventsEndpoint;
import dev.relaysim.relay.gateway.internal.management.CaCertificateEndpoint;
import dev.relaysim.relay.gateway.internal.management.HealthEndpoint;
import dev.relaysim.relay.gateway.internal.management.ManagementChannelInitializer;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes;
import dev.relaysim.relay.gateway.internal.management.MetricsEndpoint;
import dev.relaysim.relay.gateway.internal.management.arm.ArmApi;
import dev.relaysim.relay.gateway.internal.management.console.ConsoleAssets;
import dev.relaysim.relay.gateway.internal.management.console.TrafficHistory;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousFaultsEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The management HTTP server's assembly: its routes ({@code /health}, {@code /metrics}, the ARM-shaped
 * {@link ArmApi}, {@code /relaysim/events}, the DNS and rendezvous fault toggles, the CA, the web console and its
 * traffic samples, taken every 5 s for the last 10 minutes) and its port, on an event loop of its own.
 */
final class ManagementServer {

    private static final Duration TRAFFIC_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    private static final Duration TRAFFIC_WINDOW = Duration.ofMinutes(10);

    private final GatewayConfig config;
    private final ManagementRoutes routes;
    private final TrafficHistory trafficHistory;

    /**
     * @param health answers {@code /health}
     * @param meters what {@code /metrics} serves and the console's charts sample
     */
    ManagementServer(GatewayConfig config, NamespaceRegistry registry, NetworkState networkState, EventJournal events,
                     AtomicReference<DnsFaults> dnsFaults, AtomicReference<RendezvousFaults> rendezvousFaults,
                     PrometheusMeterRegistry meters, HealthEndpoint health, CaCertificateEndpoint ca, Clock clock) {
        this.config = requireNonNull(config, "config");
        ArmApi armApi = new ArmApi(config, registry, networkState, events);
        EventsEndpoint eventsEndpoint = new EventsEndpoint(events);
        DnsFaultsEndpoint dnsFaultsEndpoint = new DnsFaultsEndpoint(dnsFaults,
                config.namespaces().stream().map(NamespaceConfig::name).toList());
        RendezvousFaultsEndpoint rendezvousFaultsEndpoint = new RendezvousFaultsEndpoint(rendezvousFaults,
                config.listen().rendezvousPorts());
        trafficHistory = new TrafficHistory(meters, clock, TRAFFIC_SAMPLE_INTERVAL, TRAFFIC_WINDOW);
        routes = new ConsoleAssets().addRoutes(armApi.addRoutes(ManagementRoutes.builder()
                        .route(HttpMethod.GET, TrafficHistory.PATH, armApi.adminOnly(trafficHistory::get))
                        .route(HttpMethod.GET, DnsFaultsEndpoint.PATH, armApi.adminOnly(dnsFaultsEndpoint::get))
                        .route(HttpMethod.PUT, DnsFaultsEndpoint.PATH, armApi.adminOnly(dnsFaultsEndpoint::put))
                        .route(HttpMethod.GET, RendezvousFaultsEndpoint.PATH,
                                armApi.adminOnly(rendezvousFaultsEndpoint::get))
                        .route(HttpMethod.PUT, RendezvousFaultsEndpoint.PATH,
                                armApi.adminOnly(rendezvousFaultsEndpoint::put))
                        .route(HttpMethod.GET, EventsEndpoint.PATH, armApi.adminOnly(eventsEndpoint::list))
                        .route(HttpMethod.GET, EventsEndpoint.STREAM_PATH, armApi.adminOnly(eventsEndpoint::stream))
                        .route(HttpMethod.GET, "/health", health)
                        .route(HttpMethod.GET, "/metrics", new MetricsEndpoint(meters))
                        .route(HttpMethod.GET, CaCertificateEndpoint.PATH, ca)))
                .build();
    }

    /**
     * Starts sampling the traffic meters on {@code group} and binds {@code listen.management.port} there.
     *
     * @return the server channel
     * @throws IOException naming the port when it cannot be bound
     */
    Channel bind(ServerBinder binder, EventLoopGroup group, ChannelGroup channels) throws IOException {
        long sampleMillis = TRAFFIC_SAMPLE_INTERVAL.toMillis();
        group.next().scheduleAtFixedRate(trafficHistory::sample, 0, sampleMillis, TimeUnit.MILLISECONDS);
        return binder.bind("management server", config.listen().bindAddress(), config.listen().managementPort(),
                group, group, new ManagementChannelInitializer(routes, channels, ConsoleAssets::isAsset));
    }

    /** The bound ports by name, for {@code /health}: tls, plain, rendezvous ("first-last"), management, dns. */
    static Map<String, Object> healthPorts(@Nullable GatewayAddresses bound) {
        Map<String, Object> ports = new LinkedHashMap<>();
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
}
