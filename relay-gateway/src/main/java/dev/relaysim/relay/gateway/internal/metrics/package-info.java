/**
 * Gateway metrics: the recorder interface {@link dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics} the
 * pipelines call, its Micrometer implementation {@link
 * dev.relaysim.relay.gateway.internal.metrics.MicrometerGatewayMetrics} (served as Prometheus text by the management
 * server) and a no-op one for unit tests. Every meter name, tag key and tag value is a constant of {@link
 * dev.relaysim.relay.gateway.internal.metrics.RelayMeters}. Recording never throws: a failing meter is logged once and
 * traffic goes on.
 */
package dev.relaysim.relay.gateway.internal.metrics;
