/**
 * The Hybrid Connections listener: {@link dev.relaysim.relay.listener.HybridConnectionListener}
 * keeps a control channel to the relay open, answers {@code accept} commands by opening (or
 * rejecting) rendezvous WebSockets, serves {@code request} commands (HTTP request mode) with a
 * {@link dev.relaysim.relay.listener.RequestHandler}, renews its token and reconnects with backoff;
 * {@link dev.relaysim.relay.listener.ListenerMain} is the {@code listen} command.
 */
package dev.relaysim.relay.listener;
