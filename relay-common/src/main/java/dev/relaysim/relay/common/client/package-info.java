/**
 * The WebSocket client that relay-listener and relay-sender share: {@link
 * dev.relaysim.relay.common.client.RelayWebSocketClient} opens {@code ws}/{@code wss} connections
 * with Netty's client protocol handler, and each open connection is a {@link
 * dev.relaysim.relay.common.client.RelayConnection}, a stream of whole messages both ways with
 * close codes, half-close and back-pressure.
 */
package dev.relaysim.relay.common.client;
