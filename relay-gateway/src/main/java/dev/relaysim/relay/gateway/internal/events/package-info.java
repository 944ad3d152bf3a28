/**
 * The event journal: every listener registration and disconnect, accept, reject, rendezvous expiry, relayed
 * connection, refusal, failed HTTP-mode request and management change as a
 * {@link dev.relaysim.relay.gateway.internal.events.RelayEvent}, appended without locks to the bounded ring of the
 * {@link dev.relaysim.relay.gateway.internal.events.EventJournal}, and read from there
 * by {@code GET /relaysim/events}, by Server-Sent Events streams and by the JSON-lines file writer, each at its own
 * pace. Operation names follow Azure Relay's {@code HybridConnectionsEvent} diagnostic logs.
 */
package dev.relaysim.relay.gateway.internal.events;
