package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.gateway.internal.admission.Gatekeeper;
import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
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
 */
public record HttpRequestMode(Gatekeeper gatekeeper, Refusals refusals, ProtocolSettings protocol,
                              RendezvousPorts rendezvousPorts, HttpExchanges exchanges, GatewayMetrics metrics) {

    public HttpRequestMode {
        requireNonNull(gatekeeper, "gatekeeper");
        requireNonNull(refusals, "refusals");
        requireNonNull(protocol, "protocol");
        requireNonNull(rendezvousPorts, "rendezvousPorts");
        requireNonNull(exchanges, "exchanges");
        requireNonNull(metrics, "metrics");
    }
}
