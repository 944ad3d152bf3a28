/**
 * A gateway inside another program, such as a test: {@link dev.relaysim.relay.gateway.embedded.EmbeddedGateway}
 * starts a {@link dev.relaysim.relay.gateway.GatewayServer}, retrying on port collisions, and holds what clients need
 * to reach it (an {@code SSLContext} trusting its development CA). The relaysim-junit extension and relay-gateway's
 * own test fixture ({@code testing.TestGateway}) are built on it.
 */
package dev.relaysim.relay.gateway.embedded;
