/**
 * Listener control channels: the {@link dev.relaysim.relay.gateway.control.ListenerSet} of each hybrid connection
 * (at most 25 listeners, picked in turn), the {@link dev.relaysim.relay.gateway.control.ListenerConnection} that
 * sends commands to one listener, and the {@link dev.relaysim.relay.gateway.control.ControlChannelHandler} that reads
 * what the listener sends ({@link dev.relaysim.relay.gateway.control.CloseHandshake}: the gateway's answer to a
 * client's close frame).
 */
package dev.relaysim.relay.gateway.control;
