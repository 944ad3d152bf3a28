/**
 * The relay pair: joins a sender's WebSocket and a listener's rendezvous WebSocket on one event loop and forwards
 * frames between them, fragmenting large frames toward both legs, mirroring writability into autoRead and relaying
 * close frames (half-close included). Entry points:
 * {@link dev.relaysim.relay.gateway.internal.relay.RelayPair#bringToSenderLoop} (the one place a listener's rendezvous
 * channel moves to its sender's event loop) and {@link dev.relaysim.relay.gateway.internal.relay.RelayPair#join}.
 */
package dev.relaysim.relay.gateway.internal.relay;
