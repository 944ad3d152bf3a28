/**
 * Admission of every inbound request of the gateway and the answers to those it refuses: the
 * {@link dev.relaysim.relay.gateway.internal.admission.Gatekeeper} (namespace and entity, network rules through the
 * {@link dev.relaysim.relay.gateway.internal.admission.NetworkGuard}, SAS, trusted services, limits), its sealed
 * {@link dev.relaysim.relay.gateway.internal.admission.Verdict}, the one
 * {@link dev.relaysim.relay.gateway.internal.admission.Refusal} type and the one place that answers, logs, counts and
 * journals refusals ({@link dev.relaysim.relay.gateway.internal.admission.Refusals}), with the service-style error
 * texts ({@link dev.relaysim.relay.gateway.internal.admission.ServiceErrors}, {@link
 * dev.relaysim.relay.gateway.internal.admission.HttpErrors}) and the checks of a WebSocket upgrade request ({@link
 * dev.relaysim.relay.gateway.internal.admission.WebSocketUpgrades}). Depends on no package that builds pipelines.
 */
package dev.relaysim.relay.gateway.internal.admission;
