package dev.relaysim.relay.common.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The sender's address as the service saw it, in {@code accept} and {@code request} commands.
 *
 * @param address IP address text, for example {@code 127.0.0.1}
 * @param port    TCP port, 0-65535
 */
public record RemoteEndpoint(String address, int port) {

    public RemoteEndpoint {
        requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }
}
