package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One request as the {@link Gatekeeper} judges it.
 *
 * @param channel the connection it came on (its addresses and TLS session are judged)
 * @param host the host part of its {@code Host} header, or empty
 * @param target its parsed request target
 * @param headers its headers (the token's sources)
 * @param right what it asks for: Listen or Send
 * @param kind a WebSocket upgrade or an HTTP-mode request
 * @param malformed the refusal of a request that is not a valid WebSocket upgrade, answered after the network
 *                  rules and before SAS; null where it is valid or not an upgrade
 */
public record AdmissionRequest(Channel channel, String host, RelayRequestTarget target, HttpHeaders headers,
                               AccessRight right, Kind kind, @Nullable Refusal malformed) {

    /** The two kinds of request a client opens a hybrid connection with. */
    public enum Kind {
        /** {@code listen} or {@code connect} ({@code /$hc/...}). */
        WEBSOCKET,
        /** HTTP request mode (paths without {@code $hc}), always Send. */
        HTTP_REQUEST
    }

    public AdmissionRequest {
        requireNonNull(channel, "channel");
        requireNonNull(host, "host");
        requireNonNull(target, "target");
        requireNonNull(headers, "headers");
        requireNonNull(right, "right");
        requireNonNull(kind, "kind");
    }

    /** The system tracker before a namespace is found: {@code <host>:<path>}. */
    public String tracker() {
        return host + ':' + target.path();
    }
}
