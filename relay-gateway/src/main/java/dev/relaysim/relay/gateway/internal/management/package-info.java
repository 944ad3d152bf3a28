/**
 * The gateway's management HTTP server (plain HTTP/1.1 on {@code listen.management}, default 9390):
 * {@code GET /health} and {@code GET /metrics} (Prometheus text), and the ARM-shaped API of
 * {@link dev.relaysim.relay.gateway.internal.management.arm} behind the admin key. Requests are dispatched by a route
 * table ({@link dev.relaysim.relay.gateway.internal.management.ManagementRoutes}: method + path pattern such as
 * {@code /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}} to a
 * {@link dev.relaysim.relay.gateway.internal.management.RouteHandler}), so that more APIs are more routes. Errors are
 * ARM-shaped JSON: {@code {"error":{"code":"NotFound","message":"..."}}}; every response carries
 * {@value dev.relaysim.relay.gateway.internal.management.ManagementResponse#VERSION_HEADER}.
 */
package dev.relaysim.relay.gateway.internal.management;
