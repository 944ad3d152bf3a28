/**
 * The gateway's runtime view of its configuration: {@link dev.relaysim.relay.gateway.internal.registry.Namespace
 * namespaces} found by host name, their {@link dev.relaysim.relay.gateway.internal.registry.HybridConnection hybrid
 * connections} found by the longest registered prefix of a request path, and the authorization rules that apply to
 * each. Each hybrid connection holds its {@link dev.relaysim.relay.gateway.internal.registry.ListenerSet} (at most
 * 25 listeners, picked in turn) of {@link dev.relaysim.relay.gateway.internal.registry.ListenerConnection}s, each of
 * which sends commands to one listener's control channel.
 */
package dev.relaysim.relay.gateway.internal.registry;
