/**
 * The WebSocket client that relay-listener and relay-sender share: {@link
 * dev.relaysim.relay.common.client.RelayWebSocketClient} opens {@code ws}/{@code wss} connections
 * with Netty's client protocol handler, and each open connection is a {@link
 * dev.relaysim.relay.common.client.RelayConnection}, a stream of whole messages (or, for streamed
 * bodies, fragments) both ways with close codes, half-close and back-pressure; {@link
 * dev.relaysim.relay.common.client.ChunkInputStream} reads a body that arrives in pieces.
 */
package dev.relaysim.relay.common.client;
