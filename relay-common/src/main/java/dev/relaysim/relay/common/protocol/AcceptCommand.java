package dev.relaysim.relay.common.protocol;

import org.jspecify.annotations.Nullable;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code {"accept":{"address":..,"id":..,"connectHeaders":{..},"remoteEndpoint":{"address":..,"port":..}}}}:
 * a sender wants a relayed WebSocket; the listener opens {@code address} to accept it, or opens it with
 * {@code sb-hc-statusCode} and {@code sb-hc-statusDescription} appended to reject it.
 *
 * @param address        the rendezvous URL, used verbatim
 * @param id             the connection id (a GUID, possibly with a {@code _G<n>} suffix)
 * @param connectHeaders the sender's upgrade request headers, in order (never {@code null}; a {@code null}
 *                       argument becomes an empty map)
 * @param remoteEndpoint the sender's address, or {@code null} when unknown
 */
public record AcceptCommand(String address, String id, Map<String, String> connectHeaders,
                            @Nullable RemoteEndpoint remoteEndpoint) implements ControlCommand {

    public AcceptCommand {
        requireNonNull(address, "address");
        requireNonNull(id, "id");
        connectHeaders = Headers.copyOf(connectHeaders, "connectHeaders");
    }
}
