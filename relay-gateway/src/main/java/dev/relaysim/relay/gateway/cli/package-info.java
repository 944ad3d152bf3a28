/**
 * The {@code gateway} command ({@link dev.relaysim.relay.gateway.cli.GatewayMain}) and the banner it prints with
 * endpoints, the development CA and connection strings. Apart from the server's package because the command also
 * runs the gateway in network namespaces (which itself runs {@link dev.relaysim.relay.gateway.GatewayServer}).
 */
package dev.relaysim.relay.gateway.cli;
