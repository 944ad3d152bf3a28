/**
 * Test fixtures of the gateway, shared with other modules through relay-gateway's test-jar:
 * {@link dev.relaysim.relay.gateway.testing.TestGateway} (an in-process gateway on a temporary data directory),
 * {@link dev.relaysim.relay.gateway.testing.GatewayExtension} (the same as a JUnit extension), and independent
 * JDK-based clients: {@link dev.relaysim.relay.gateway.testing.WsPeer},
 * {@link dev.relaysim.relay.gateway.testing.TestListener} and {@link dev.relaysim.relay.gateway.testing.RawHttp};
 * {@link dev.relaysim.relay.gateway.testing.InetEmbeddedChannel} for pipeline tests that need IP addresses.
 */
package dev.relaysim.relay.gateway.testing;
