/**
 * The split-horizon DNS responder inside the gateway: {@link dev.relaysim.relay.gateway.internal.dns.DnsAnswerer}
 * answers for {@code servicebus.windows.net} and {@code privatelink.servicebus.windows.net} by the querier's address,
 * as Azure DNS with a linked private zone does; {@link dev.relaysim.relay.gateway.internal.dns.DnsServer} serves it
 * over UDP and TCP.
 */
package dev.relaysim.relay.gateway.internal.dns;
