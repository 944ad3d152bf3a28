/**
 * Listener control channels: the {@link dev.relaysim.relay.gateway.internal.control.ControlChannelHandler} that
 * reads what a listener sends (token renewals, HTTP responses through
 * {@link dev.relaysim.relay.gateway.internal.control.HttpResponseRouter}) and
 * {@link dev.relaysim.relay.gateway.internal.control.CloseHandshake}, the gateway's answer to a client's close frame.
 * The listeners a hybrid connection has are in the registry
 * ({@link dev.relaysim.relay.gateway.internal.registry.ListenerSet}).
 */
package dev.relaysim.relay.gateway.internal.control;
