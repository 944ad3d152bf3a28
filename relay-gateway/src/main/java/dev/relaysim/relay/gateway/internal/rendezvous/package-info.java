/**
 * Rendezvous bookkeeping: the gateway instances {@code g0..gN} and their ports
 * ({@link dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts}), and the
 * {@link dev.relaysim.relay.gateway.internal.rendezvous.RendezvousTable} of senders waiting for a listener to accept
 * (single use, bound to one instance, expiring), and the fault toggle that refuses connections to a sub-range of the
 * ports from chosen sources ({@link dev.relaysim.relay.gateway.config.RendezvousFaults}).
 */
package dev.relaysim.relay.gateway.internal.rendezvous;
