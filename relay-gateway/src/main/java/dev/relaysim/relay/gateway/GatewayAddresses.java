package dev.relaysim.relay.gateway;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a started gateway listens: the real bound addresses (a port configured as 0 shows the port the system
 * chose).
 *
 * @param tls the TLS front end ({@code wss://}), empty when disabled
 * @param plain the plain front end ({@code ws://}), empty when disabled
 * @param rendezvous the rendezvous ports, index N for gateway instance {@code gN}
 * @param management the management HTTP server ({@code /health}, {@code /metrics}), empty when disabled
 */
public record GatewayAddresses(Optional<InetSocketAddress> tls, Optional<InetSocketAddress> plain,
                               List<InetSocketAddress> rendezvous, Optional<InetSocketAddress> management) {

    public GatewayAddresses {
        requireNonNull(tls, "tls");
        requireNonNull(plain, "plain");
        rendezvous = List.copyOf(requireNonNull(rendezvous, "rendezvous"));
        requireNonNull(management, "management");
    }

    /** The TLS front end's port; throws when it is disabled. */
    public int tlsPort() {
        return tls.orElseThrow(() -> new IllegalStateException("the TLS front end is disabled")).getPort();
    }

    /** The plain front end's port; throws when it is disabled. */
    public int plainPort() {
        return plain.orElseThrow(() -> new IllegalStateException("the plain front end is disabled")).getPort();
    }

    /** The management server's port; throws when it is disabled. */
    public int managementPort() {
        return management.orElseThrow(() -> new IllegalStateException("the management server is disabled")).getPort();
    }
}
