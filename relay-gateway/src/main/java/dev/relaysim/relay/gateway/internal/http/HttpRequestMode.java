package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;

import static java.util.Objects.requireNonNull;

/**
 * What HTTP request mode's handlers use of the gateway, and nothing else.
 *
 * @param gatekeeper admits each request (and each listener's request rendezvous)
 * @param refusals answers refused requests and journals failed ones
 * @param protocol the rendezvous and response timeouts, the WebSocket settings of request rendezvous
 * @param rendezvousPorts the instances whose rendezvous ports serve request addresses
 * @param exchanges the requests waiting for or receiving their response
 * @param metrics counts each request by its status
 * @param cluster the listeners of the other nodes, for a request without a listener on this node
 *                ({@link ListenerCluster#SINGLE_NODE} without a cluster)
 */
public record HttpRequestMode(Gatekeeper gatekeeper, Refusals refusals, ProtocolSettings protocol,
                              RendezvousPorts rendezvousPorts, HttpExchanges exchanges, GatewayMetrics metrics,
                              ListenerCluster cluster) {

    public HttpRequestMode {
        requireNonNull(gatekeeper, "gatekeeper");
        requireNonNull(refusals, "refusals");
        requireNonNull(protocol, "protocol");
        requireNonNull(rendezvousPorts, "rendezvousPorts");
        requireNonNull(exchanges, "exchanges");
        requireNonNull(metrics, "metrics");
        requireNonNull(cluster, "cluster");
    }

    /** A gateway alone, not a node of a cluster. */
    public HttpRequestMode(Gatekeeper gatekeeper, Refusals refusals, ProtocolSettings protocol,
                           RendezvousPorts rendezvousPorts, HttpExchanges exchanges, GatewayMetrics metrics) {
        this(gatekeeper, refusals, protocol, rendezvousPorts, exchanges, metrics, ListenerCluster.SINGLE_NODE);
    }
}
