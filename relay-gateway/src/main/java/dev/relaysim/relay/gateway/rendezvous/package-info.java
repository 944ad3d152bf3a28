/**
 * Rendezvous bookkeeping: the gateway instances {@code g0..gN} and their ports
 * ({@link dev.relaysim.relay.gateway.rendezvous.RendezvousPorts}), and the
 * {@link dev.relaysim.relay.gateway.rendezvous.RendezvousTable} of senders waiting for a listener to accept
 * (single use, bound to one instance, expiring).
 */
package dev.relaysim.relay.gateway.rendezvous;
