package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;

/**
 * What the gateway records: the pipelines call these methods on the event loops, so implementations are
 * thread-safe, cheap and never throw (a failing meter must not break traffic). Meter names and tags: see
 * {@link RelayMeters}. Implementations: {@link MicrometerGatewayMetrics}, {@link NoopGatewayMetrics}.
 */
public interface GatewayMetrics {

    /**
     * The recorder of one hybrid connection's meters, tagged with its namespace and entity. Implementations cache it;
     * callers look it up once per connection, not per frame.
     *
     * @param namespace the namespace's configured name
     * @param entity the hybrid connection's configured name
     */
    EntityMetrics entity(String namespace, String entity);

    /** A request was answered with an error status (or, for a late request, closed) for {@code reason}. */
    void refused(RefusalReason reason);

    /** An HTTP request mode request was answered with {@code statusCode}; counted by status class. */
    void httpRequest(int statusCode);

    /** The DNS responder answered a query with {@code answer}. */
    void dnsQuery(DnsAnswer answer);

    /**
     * A WebSocket handshake completed {@code nanos} after its upgrade request was complete.
     *
     * @param action the request's {@code sb-hc-action}
     */
    void handshakeCompleted(HcAction action, long nanos);

    /** One phase of a relayed connection's setup took {@code nanos}; recorded once the sender's 101 is written. */
    void connectionPhase(ConnectionPhase phase, long nanos);
}
