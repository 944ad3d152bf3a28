/**
 * The gateway's limits ({@link dev.relaysim.relay.gateway.config.LimitSettings}): {@link
 * dev.relaysim.relay.gateway.internal.limits.ConnectionLimits} counts open connections per source address and relayed
 * connections per namespace, each tied to a channel's lifetime; {@link
 * dev.relaysim.relay.gateway.internal.limits.KeyedCounter} is the exact per-key count under them (the rendezvous table
 * counts waiting senders per hybrid connection with it); {@link dev.relaysim.relay.gateway.internal.limits.RefusalLog}
 * logs refusals without letting a flood flood the log.
 */
package dev.relaysim.relay.gateway.internal.limits;
