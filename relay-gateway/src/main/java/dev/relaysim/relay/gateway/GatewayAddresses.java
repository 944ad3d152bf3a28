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
 * @param dns the DNS responder (UDP and TCP on the same port), empty when disabled
 */
public record GatewayAddresses(Optional<InetSocketAddress> tls, Optional<InetSocketAddress> plain,
                               List<InetSocketAddress> rendezvous, Optional<InetSocketAddress> management,
                               Optional<InetSocketAddress> dns) {

    /** Addresses without a DNS responder. */
    public GatewayAddresses(Optional<InetSocketAddress> tls, Optional<InetSocketAddress> plain,
                            List<InetSocketAddress> rendezvous, Optional<InetSocketAddress> management) {
        this(tls, plain, rendezvous, management, Optional.empty());
    }

    public GatewayAddresses {
        requireNonNull(tls, "tls");
        requireNonNull(plain, "plain");
        rendezvous = List.copyOf(requireNonNull(rendezvous, "rendezvous"));
        requireNonNull(management, "management");
        requireNonNull(dns, "dns");
    }

    /** The TLS front end's port; throws when it is disabled. */
    public int tlsPort() {
        return tls.orElseThrow(() -> new IllegalStateException("the TLS front end is disabled")).getPort();
    }

    /** The plain front end's port; throws when it is disabled. */
    public int plainPort() {
        return plain.orElseThrow(() -> new IllegalStateException("the plain front end is disabled")).getPort();
    }

    /** The DNS responder's port (UDP and TCP); throws when it is disabled. */
    public int dnsPort() {
        return dns.orElseThrow(() -> new IllegalStateException("the DNS responder is disabled")).getPort();
    }

    /** The management server's port; throws when it is disabled. */
    public int managementPort() {
        return management.orElseThrow(() -> new IllegalStateException("the management server is disabled")).getPort();
    }
}
