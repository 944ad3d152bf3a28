package dev.relaysim.relay.gateway.internal.metrics;

/**
 * The one place where the gateway's meter names, tag keys and tag values are defined. Names are Micrometer's dotted
 * names; the Prometheus registry turns {@code relay.rendezvous.completed} into
 * {@code relay_rendezvous_completed_total}, timers into {@code <name>_seconds_*} and byte counters into
 * {@code <name>_bytes_total}.
 *
 * <p>Cardinality: meters are tagged with at most {@value #NAMESPACE} and {@value #ENTITY} (both bounded by the
 * configuration) and with tags whose values are fixed here ({@value #DIRECTION}, {@value #ACTION},
 * {@value #REASON}, {@value #STATUS_CLASS}, {@value #ANSWER}, {@value #PHASE}). Never tag with a remote address,
 * a rendezvous id, a listener id or a request path: each would create a time series per client.
 *
 * <table>
 *   <caption>relay meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #LISTENERS_CONNECTED}</td><td>gauge</td><td>namespace, entity</td>
 *       <td>listener control channels holding a place (max 25 per hybrid connection)</td></tr>
 *   <tr><td>{@value #SENDERS_PENDING}</td><td>gauge</td><td>namespace, entity</td>
 *       <td>senders whose upgrade is held: from their request until their 101 or their connection's end</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_PENDING}</td><td>gauge</td><td>namespace, entity</td>
 *       <td>accept addresses issued and not yet claimed, expired or abandoned</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_COMPLETED}</td><td>counter</td><td>namespace, entity</td>
 *       <td>rendezvous whose two legs were joined into a relayed connection</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_EXPIRED}</td><td>counter</td><td>namespace, entity</td>
 *       <td>rendezvous no listener accepted within the rendezvous timeout (the sender got 404)</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_REJECTED}</td><td>counter</td><td>namespace, entity</td>
 *       <td>rendezvous a listener rejected with {@code sb-hc-statusCode}</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_ABANDONED}</td><td>counter</td><td>namespace, entity</td>
 *       <td>rendezvous dropped unclaimed: the sender went away or the accept command could not be sent</td></tr>
 *   <tr><td>{@value #CONNECTIONS_ACTIVE}</td><td>gauge</td><td>namespace, entity</td>
 *       <td>relayed connections (relay pairs) open now</td></tr>
 *   <tr><td>{@value #CONNECTIONS}</td><td>counter</td><td>namespace, entity</td>
 *       <td>relayed connections started</td></tr>
 *   <tr><td>{@value #RELAYED_BYTES}</td><td>counter</td><td>namespace, entity, direction</td>
 *       <td>WebSocket payload bytes relayed</td></tr>
 *   <tr><td>{@value #RELAYED_MESSAGES}</td><td>counter</td><td>namespace, entity, direction</td>
 *       <td>WebSocket messages relayed (counted at their final fragment)</td></tr>
 *   <tr><td>{@value #HANDSHAKE_LATENCY}</td><td>timer</td><td>action</td>
 *       <td>from a complete upgrade request to its WebSocket handshake's completion (101 written); for
 *       {@code connect} this includes the wait for the listener</td></tr>
 *   <tr><td>{@value #CONNECTION_PHASE}</td><td>timer</td><td>phase</td>
 *       <td>the setup of a relayed connection by {@link ConnectionPhase}: the sender's request to its accept command
 *       sent, to the listener's rendezvous request, to the sender's 101; finer buckets, 25 us to 1 s</td></tr>
 *   <tr><td>{@value #RENDEZVOUS_LATENCY}</td><td>timer</td><td>namespace, entity</td>
 *       <td>from the sender's complete request to both legs joined</td></tr>
 *   <tr><td>{@value #REFUSALS}</td><td>counter</td><td>reason</td>
 *       <td>requests answered with an error status, by {@link RefusalReason}</td></tr>
 *   <tr><td>{@value #HTTP_REQUESTS}</td><td>counter</td><td>status_class</td>
 *       <td>HTTP request mode requests answered, by status class ({@code 2xx}..{@code 5xx})</td></tr>
 *   <tr><td>{@value #DNS_QUERIES}</td><td>counter</td><td>answer</td>
 *       <td>queries the DNS responder answered, by {@link DnsAnswer} (dropped packets are not counted)</td></tr>
 *   <tr><td>{@value #CLUSTER_MEMBERS}</td><td>gauge</td><td></td>
 *       <td>on a node of a cluster: the live members, this node included</td></tr>
 *   <tr><td>{@value #CLUSTER_LISTENERS}</td><td>gauge</td><td></td>
 *       <td>on a node of a cluster: the listeners of every node in the directory</td></tr>
 * </table>
 * Timers publish a histogram with the buckets 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30 and
 * 60 s (percentiles: {@code histogram_quantile(0.99, rate(relay_handshake_latency_seconds_bucket[5m]))}), plus
 * count, sum and max. Besides these, the registry carries Micrometer's JVM
 * meters ({@code jvm.memory.*}, {@code jvm.gc.*}, {@code jvm.threads.*}, {@code jvm.classes.*},
 * {@code process.*}, {@code system.cpu.*}) and {@code netty.eventexecutor.tasks.pending} per event loop (tag
 * {@code name}: the loop's thread name).
 */
public final class RelayMeters {

    public static final String LISTENERS_CONNECTED = "relay.listeners.connected";
    public static final String CLUSTER_MEMBERS = "relay.cluster.members";
    public static final String CLUSTER_LISTENERS = "relay.cluster.listeners";
    public static final String SENDERS_PENDING = "relay.senders.pending";
    public static final String RENDEZVOUS_PENDING = "relay.rendezvous.pending";
    public static final String RENDEZVOUS_COMPLETED = "relay.rendezvous.completed";
    public static final String RENDEZVOUS_EXPIRED = "relay.rendezvous.expired";
    public static final String RENDEZVOUS_REJECTED = "relay.rendezvous.rejected";
    public static final String RENDEZVOUS_ABANDONED = "relay.rendezvous.abandoned";
    public static final String CONNECTIONS_ACTIVE = "relay.connections.active";
    public static final String CONNECTIONS = "relay.connections";
    public static final String RELAYED_BYTES = "relay.relayed.bytes";
    public static final String RELAYED_MESSAGES = "relay.relayed.messages";
    public static final String HANDSHAKE_LATENCY = "relay.handshake.latency";
    public static final String RENDEZVOUS_LATENCY = "relay.rendezvous.latency";
    public static final String CONNECTION_PHASE = "relay.connection.phase";
    public static final String REFUSALS = "relay.refusals";
    public static final String HTTP_REQUESTS = "relay.http.requests";
    public static final String DNS_QUERIES = "relay.dns.queries";

    /** Tag: the namespace's name. */
    public static final String NAMESPACE = "namespace";
    /** Tag: the hybrid connection's name (its configured entity path). */
    public static final String ENTITY = "entity";
    /** Tag: {@link TrafficDirection#tagValue()}. */
    public static final String DIRECTION = "direction";
    /** Tag: the {@code sb-hc-action} whose handshake is timed: {@code listen}, {@code connect} or {@code accept}. */
    public static final String ACTION = "action";
    /** Tag: {@link ConnectionPhase#tagValue()}. */
    public static final String PHASE = "phase";
    /** Tag: {@link RefusalReason#tagValue()}. */
    public static final String REASON = "reason";
    /** Tag: {@code 1xx}..{@code 5xx}. */
    public static final String STATUS_CLASS = "status_class";
    /** Tag: {@link DnsAnswer#tagValue()}. */
    public static final String ANSWER = "answer";

    private RelayMeters() {
    }
}
