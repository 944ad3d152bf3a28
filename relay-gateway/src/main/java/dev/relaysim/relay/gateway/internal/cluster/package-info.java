/**
 * The gateway cluster (docs/cluster.md): gateway nodes that are members of one embedded Hazelcast cluster
 * ({@link dev.relaysim.relay.gateway.internal.cluster.HazelcastCluster}), sharing a directory of listeners
 * ({@link dev.relaysim.relay.gateway.internal.cluster.ListenerDirectory}, 25 per hybrid connection across the
 * nodes) and delivering a sender's {@code accept} to a listener on another node
 * ({@link dev.relaysim.relay.gateway.internal.cluster.AcceptDelivery}), and sharing the management state
 * ({@link dev.relaysim.relay.gateway.internal.cluster.SharedManagementState}: namespaces, hybrid connections, rules,
 * the network model; a change through any node's management API acts on every node). The routers see only
 * {@link dev.relaysim.relay.gateway.internal.cluster.ListenerCluster}; without {@code cluster.members} it is
 * {@link dev.relaysim.relay.gateway.internal.cluster.ListenerCluster#SINGLE_NODE} and Hazelcast is not started.
 */
package dev.relaysim.relay.gateway.internal.cluster;
