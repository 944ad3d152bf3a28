package dev.relaysim.relay.common.pipeline;

/**
 * Names of every handler relaysim puts into a Netty pipeline, so that handlers can be found,
 * inserted before and removed by name. Each initializer's Javadoc draws the order it uses.
 */
public final class HandlerNames {

    /** TLS, or on rendezvous ports the handler that detects TLS and installs it. */
    public static final String TLS = "relay.tls";
    /** Gateway: answers the first request of a connection over its source address's connection limit with 429. */
    public static final String CONNECTION_LIMIT = "relay.connection-limit";
    /** Closes connections whose upgrade request does not arrive in time. */
    public static final String HANDSHAKE_TIMEOUT = "relay.handshake-timeout";
    /** HTTP/1.1 request decoder and response encoder (server side). */
    public static final String HTTP_CODEC = "relay.http-codec";
    /** HTTP client codec. */
    public static final String HTTP_CLIENT_CODEC = "relay.http-client-codec";
    /** Gateway front ends: relays HTTP-mode requests (paths without {@code $hc}) to listeners, body streamed. */
    public static final String HTTP_SENDER = "relay.http-sender";
    /** Management server: keeps HTTP/1.1 connections open between requests unless a side asks to close. */
    public static final String HTTP_KEEP_ALIVE = "relay.http-keep-alive";
    /** Management server: closes connections idle for too long. */
    public static final String IDLE_TIMEOUT = "relay.idle-timeout";
    /** Aggregates the upgrade request into one {@code FullHttpRequest}. */
    public static final String HTTP_AGGREGATOR = "relay.http-aggregator";
    /** Parses the request target once, authorizes it and dispatches by action. */
    public static final String UPGRADE_ROUTER = "relay.upgrade-router";
    /** Netty's WebSocket protocol handler (server or client). */
    public static final String WEBSOCKET_PROTOCOL = "relay.websocket-protocol";
    /** Delivers one decoded frame per read, for back-pressure after multi-message decoders. */
    public static final String FLOW_CONTROL = "relay.flow-control";
    /** A listener's control channel: registration, commands, token renewal. */
    public static final String CONTROL_CHANNEL = "relay.control-channel";
    /** Gateway: waits for one leg's WebSocket handshake of a rendezvous before the relay pair is joined. */
    public static final String RENDEZVOUS = "relay.rendezvous";
    /** Gateway: a listener's request rendezvous ({@code sb-hc-action=request}) serving one HTTP exchange. */
    public static final String REQUEST_RENDEZVOUS = "relay.request-rendezvous";
    /** First in a relay leg's pipeline: one flush per event-loop task instead of one per relayed frame. */
    public static final String FLUSH_CONSOLIDATION = "relay.flush-consolidation";
    /** Forwards frames between the two legs of a relayed connection. */
    public static final String RELAY = "relay.relay";
    /** Client side: keeps the body of a refused upgrade response for the error it becomes. */
    public static final String HANDSHAKE_RESPONSE = "relay.handshake-response";
    /**
     * Gateway side: decodes incoming frames, unmasking each payload as it is copied out of the read buffers, in place
     * of Netty's {@code wsdecoder} after the upgrade.
     */
    public static final String FRAME_DECODER = "relay.frame-decoder";
    /** Gateway side: first handler of a connection closing after a final response, discarding what still arrives. */
    public static final String LINGERING_CLOSE = "relay.lingering-close";
    /** Client side: joins continuation frames into whole messages. */
    public static final String FRAME_AGGREGATOR = "relay.frame-aggregator";
    /** Client-side application handler of a relayed WebSocket. */
    public static final String CLIENT_CONNECTION = "relay.client-connection";
    /** Client side: writes a streamed HTTP request body in chunks, as the channel becomes writable. */
    public static final String CHUNKED_WRITER = "relay.chunked-writer";
    /** HTTP sender: writes one request and streams its response to the caller. */
    public static final String HTTP_EXCHANGE = "relay.http-exchange";
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

    private HandlerNames() {
    }
}
