/**
 * The gateway's runtime view of its configuration: {@link dev.relaysim.relay.gateway.registry.Namespace namespaces}
 * found by host name, their {@link dev.relaysim.relay.gateway.registry.HybridConnection hybrid connections} found by
 * the longest registered prefix of a request path, and the authorization rules that apply to each.
 */
package dev.relaysim.relay.gateway.registry;
