/**
 * The relaysim gateway: {@link dev.relaysim.relay.gateway.GatewayServer} binds the TLS and plain front ends and the
 * rendezvous ports and closes them gracefully; {@link dev.relaysim.relay.gateway.cli.GatewayMain} is the
 * {@code gateway} command, which prints a banner with endpoints, the development CA and connection strings.
 */
package dev.relaysim.relay.gateway;
