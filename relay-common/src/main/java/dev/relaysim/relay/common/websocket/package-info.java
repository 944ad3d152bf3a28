/**
 * WebSocket frame primitives the gateway and the clients share: masking and unmasking payloads (RFC 6455, 5.3) at
 * memory speed.
 */
package dev.relaysim.relay.common.websocket;
