package dev.relaysim.relay.gateway.internal.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;

import static java.util.Objects.requireNonNull;

/** {@code GET /metrics}: every meter of the registry in the Prometheus text format 0.0.4. */
public final class MetricsEndpoint implements RouteHandler {

    /** The content type of the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        return ManagementResponse.text(HttpResponseStatus.OK, CONTENT_TYPE, registry.scrape(CONTENT_TYPE));
    }
}
