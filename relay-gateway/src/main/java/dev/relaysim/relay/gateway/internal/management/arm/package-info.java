/**
 * The ARM-shaped management API ({@link dev.relaysim.relay.gateway.internal.management.arm.ArmApi}) on the management
 * server:
 * {@code Microsoft.Network} virtual networks and private endpoints on the consumer side, {@code Microsoft.Relay}
 * namespaces, private endpoint connections, private link resources, network rule sets, hybrid connections and
 * authorization rules ({@code listKeys}) on the provider side, in the shapes of the Azure REST specs, guarded by the
 * admin key. The gateway is one subscription with one resource group: any names in
 * {@code /subscriptions/{sub}/resourceGroups/{rg}} are accepted and echoed in the ids of the answer (the CLI uses
 * {@code 00000000-0000-0000-0000-000000000000} and {@code relaysim}). State is the live
 * {@link dev.relaysim.relay.gateway.internal.network.NetworkState} (in memory; lost on restart); namespaces, hybrid
 * connections and rules come from the configuration and are read-only here.
 */
package dev.relaysim.relay.gateway.internal.management.arm;
