package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.gateway.config.ClusterSettings;
import io.netty.util.NetUtil;

import java.net.InetAddress;

import static java.util.Objects.requireNonNull;

/**
 * Where clients reach a node's front ends and rendezvous ports: {@code listen.bindAddress} when it is one address,
 * else (bound to every address) the node's cluster address. A cross-node accept points there, and the DNS answers of
 * every node name it, so both stay right when a node binds its ports on another address than the one the nodes talk
 * to each other on. (An advertised host, where set, still comes first in accept addresses: it is this node's own,
 * as every node has its own configuration.)
 */
final class FrontEndHost {

    /** The member attribute that tells the other nodes this node's front-end host. */
    static final String ATTRIBUTE = "relaysim.frontEnd";

    private FrontEndHost() {
    }

    /**
     * @param bindAddress {@code listen.bindAddress}, an IP literal
     * @throws IllegalArgumentException when the node address is not an IP address
     */
    static InetAddress of(ClusterSettings cluster, String bindAddress) {
        requireNonNull(cluster, "cluster");
        requireNonNull(bindAddress, "bindAddress");
        InetAddress bound = NetUtil.createInetAddressFromIpAddressString(bindAddress);
        if (bound != null && !bound.isAnyLocalAddress()) {
            return bound;
        }
        InetAddress node = NetUtil.createInetAddressFromIpAddressString(cluster.nodeAddress());
        if (node == null) {
            throw new IllegalArgumentException("cluster.nodeAddress: " + cluster.nodeAddress() + " (expected: an IP "
                    + "address)");
        }
        return node;
    }
}
