package dev.relaysim.relay.gateway.internal.management;

import dev.relaysim.relay.common.cli.RelaysimVersion;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /health}: 200 {@code {"status":"healthy",...}} while the gateway serves, 503
 * {@code {"status":"unhealthy",...}} before it is up and once it is closing; both with {@code version},
 * {@code startedAt}, {@code uptimeSeconds}, {@code ports} and, on a node of a cluster, {@code cluster} (its members
 * and the listeners on each).
 */
public final class HealthEndpoint implements RouteHandler {

    private final BooleanSupplier serving;
    private final Supplier<Map<String, Object>> ports;
    private final Clock clock;
    private final Instant startedAt;
    private final Supplier<Optional<Map<String, Object>>> cluster;

    /**
     * @param serving whether the gateway serves now
     * @param ports the gateway's ports by name ({@code tls}, {@code plain}, {@code rendezvous}, {@code management})
     * @param clock for the uptime
     * @param startedAt when the gateway started
     */
    public HealthEndpoint(BooleanSupplier serving, Supplier<Map<String, Object>> ports, Clock clock,
                          Instant startedAt) {
        this(serving, ports, clock, startedAt, Optional::empty);
    }

    /**
     * @param serving whether the gateway serves now
     * @param ports the gateway's ports by name ({@code tls}, {@code plain}, {@code rendezvous}, {@code management})
     * @param clock for the uptime
     * @param startedAt when the gateway started
     * @param cluster the cluster's members and listeners per member, empty for a gateway alone
     */
    public HealthEndpoint(BooleanSupplier serving, Supplier<Map<String, Object>> ports, Clock clock,
                          Instant startedAt, Supplier<Optional<Map<String, Object>>> cluster) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.serving = requireNonNull(serving, "serving");
        this.ports = requireNonNull(ports, "ports");
        this.clock = requireNonNull(clock, "clock");
        this.startedAt = requireNonNull(startedAt, "startedAt");
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        boolean healthy = serving.getAsBoolean();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "healthy" : "unhealthy");
        body.put("version", RelaysimVersion.current());
        body.put("startedAt", startedAt.toString());
        body.put("uptimeSeconds", Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds()));
        body.put("ports", ports.get());
        cluster.get().ifPresent(status -> body.put("cluster", status));
        return ManagementResponse.json(healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                body);
    }
}
