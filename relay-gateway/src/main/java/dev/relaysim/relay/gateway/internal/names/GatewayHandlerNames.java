package dev.relaysim.relay.gateway.internal.names;

/**
 * Names of the handlers only the gateway puts into its pipelines (front ends, rendezvous ports, relay pairs, the
 * management server, DNS), so that handlers can be found, inserted before and removed by name. Names the gateway
 * shares with relay-common's code ({@code TLS}, {@code HTTP_AGGREGATOR}, {@code WEBSOCKET_PROTOCOL},
 * {@code FRAME_DECODER}) stay in {@link dev.relaysim.relay.common.pipeline.HandlerNames}.
 */
public final class GatewayHandlerNames {

    /** answers the first request of a connection over its source address's connection limit with 429. */
    public static final String CONNECTION_LIMIT = "relay.connection-limit";
    /** Closes connections whose upgrade request does not arrive in time. */
    public static final String HANDSHAKE_TIMEOUT = "relay.handshake-timeout";
    /** HTTP/1.1 request decoder and response encoder (server side). */
    public static final String HTTP_CODEC = "relay.http-codec";
    /** Front ends: relays HTTP-mode requests (paths without {@code $hc}) to listeners, body streamed. */
    public static final String HTTP_SENDER = "relay.http-sender";
    /** Management server: keeps HTTP/1.1 connections open between requests unless a side asks to close. */
    public static final String HTTP_KEEP_ALIVE = "relay.http-keep-alive";
    /** Management server: closes connections idle for too long. */
    public static final String IDLE_TIMEOUT = "relay.idle-timeout";
    /** Parses the request target once, authorizes it and dispatches by action. */
    public static final String UPGRADE_ROUTER = "relay.upgrade-router";
    /** Delivers one decoded frame per read, for back-pressure after multi-message decoders. */
    public static final String FLOW_CONTROL = "relay.flow-control";
    /** A listener's control channel: registration, commands, token renewal. */
    public static final String CONTROL_CHANNEL = "relay.control-channel";
    /** waits for one leg's WebSocket handshake of a rendezvous before the relay pair is joined. */
    public static final String RENDEZVOUS = "relay.rendezvous";
    /** a listener's request rendezvous ({@code sb-hc-action=request}) serving one HTTP exchange. */
    public static final String REQUEST_RENDEZVOUS = "relay.request-rendezvous";
    /** First in a relay leg's pipeline: one flush per event-loop task instead of one per relayed frame. */
    public static final String FLUSH_CONSOLIDATION = "relay.flush-consolidation";
    /** Forwards frames between the two legs of a relayed connection. */
    public static final String RELAY = "relay.relay";
    /** first handler of a connection closing after a final response, discarding what still arrives. */
    public static final String LINGERING_CLOSE = "relay.lingering-close";
    /** Management server: routes requests ({@code /health}, {@code /metrics}) to their handlers. */
    public static final String MANAGEMENT = "relay.management";
    /** Management server: a streamed body (Server-Sent Events) that took the connection over after its head. */
    public static final String MANAGEMENT_STREAM = "relay.management-stream";
    /** Management server: adds the browser security headers (CSP, nosniff, no framing) to every response. */
    public static final String SECURITY_HEADERS = "relay.security-headers";
    /** Management server: refuses API requests a browser sent from another origin (403). */
    public static final String CROSS_ORIGIN_GUARD = "relay.cross-origin-guard";
    /** DNS over TCP: splits the stream into messages by their two-byte length prefix. */
    public static final String DNS_FRAME_DECODER = "relay.dns-frame-decoder";
    /** DNS over TCP: prefixes each response with its two-byte length. */
    public static final String DNS_FRAME_ENCODER = "relay.dns-frame-encoder";
    /** The gateway's DNS responder (UDP and TCP): answers each query. */
    public static final String DNS = "relay.dns";
    /** Last handler: logs an unhandled error once and closes the channel once. */
    public static final String ERROR_HANDLER = "relay.error-handler";

    private GatewayHandlerNames() {
    }
}
