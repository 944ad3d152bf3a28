/**
 * The web console on the management server ({@code http://127.0.0.1:9390/}): its static files
 * ({@link dev.relaysim.relay.gateway.internal.management.console.ConsoleAssets}, plain JavaScript modules and CSS under
 * {@code /console/} in the resources), the traffic samples its charts draw
 * ({@link dev.relaysim.relay.gateway.internal.management.console.TrafficHistory}, {@code GET /relaysim/stats}), and the
 * browser protections of every management response: security headers
 * ({@link dev.relaysim.relay.gateway.internal.management.SecurityHeaders}) and the refusal of requests from other
 * origins ({@link dev.relaysim.relay.gateway.internal.management.CrossOriginGuard}). The console calls the same
 * ARM-shaped API as the CLI, with the admin key it keeps in the browser's {@code sessionStorage}.
 */
package dev.relaysim.relay.gateway.internal.management.console;
