package dev.relaysim.relay.common.pipeline;

/**
 * Names of the handlers relaysim's clients and shared code put into a Netty pipeline, so that handlers can be found,
 * inserted before and removed by name. Each initializer's Javadoc draws the order it uses. The gateway's own
 * handlers are named in {@code dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames}.
 */
public final class HandlerNames {

    /** TLS, or on rendezvous ports the handler that detects TLS and installs it. */
    public static final String TLS = "relay.tls";
    /** HTTP client codec. */
    public static final String HTTP_CLIENT_CODEC = "relay.http-client-codec";
    /** Aggregates the upgrade request into one {@code FullHttpRequest}. */
    public static final String HTTP_AGGREGATOR = "relay.http-aggregator";
    /** Netty's WebSocket protocol handler (server or client). */
    public static final String WEBSOCKET_PROTOCOL = "relay.websocket-protocol";
    /** Client side: keeps the body of a refused upgrade response for the error it becomes. */
    public static final String HANDSHAKE_RESPONSE = "relay.handshake-response";
    /**
     * Gateway side: decodes incoming frames, unmasking each payload as it is copied out of the read buffers, in place
     * of Netty's {@code wsdecoder} after the upgrade.
     */
    public static final String FRAME_DECODER = "relay.frame-decoder";
    /** Client side: joins continuation frames into whole messages. */
    public static final String FRAME_AGGREGATOR = "relay.frame-aggregator";
    /** Client-side application handler of a relayed WebSocket. */
    public static final String CLIENT_CONNECTION = "relay.client-connection";
    /** Client side: writes a streamed HTTP request body in chunks, as the channel becomes writable. */
    public static final String CHUNKED_WRITER = "relay.chunked-writer";
    /** HTTP sender: writes one request and streams its response to the caller. */
    public static final String HTTP_EXCHANGE = "relay.http-exchange";

    private HandlerNames() {
    }
}
