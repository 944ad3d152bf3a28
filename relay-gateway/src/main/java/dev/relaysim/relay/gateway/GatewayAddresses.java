package dev.relaysim.relay.gateway;

import org.jspecify.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a started gateway listens: the real bound addresses (a port configured as 0 shows the port the system
 * chose). A value class rather than a record so that the optional addresses are {@code @Nullable} fields and
 * {@link Optional} only what the accessors return.
 */
public final class GatewayAddresses {

    private final @Nullable InetSocketAddress tls;
    private final @Nullable InetSocketAddress plain;
    private final List<InetSocketAddress> rendezvous;
    private final @Nullable InetSocketAddress management;
    private final @Nullable InetSocketAddress dns;

    /** Addresses without a DNS responder. */
    public GatewayAddresses(@Nullable InetSocketAddress tls, @Nullable InetSocketAddress plain,
                            List<InetSocketAddress> rendezvous, @Nullable InetSocketAddress management) {
        this(tls, plain, rendezvous, management, null);
    }

    /**
     * @param tls        the TLS front end ({@code wss://}), null when disabled
     * @param plain      the plain front end ({@code ws://}), null when disabled
     * @param rendezvous the rendezvous ports, index N for gateway instance {@code gN}
     * @param management the management HTTP server ({@code /health}, {@code /metrics}), null when disabled
     * @param dns        the DNS responder (UDP and TCP on the same port), null when disabled
     */
    public GatewayAddresses(@Nullable InetSocketAddress tls, @Nullable InetSocketAddress plain,
                            List<InetSocketAddress> rendezvous, @Nullable InetSocketAddress management,
                            @Nullable InetSocketAddress dns) {
        this.tls = tls;
        this.plain = plain;
        this.rendezvous = List.copyOf(requireNonNull(rendezvous, "rendezvous"));
        this.management = management;
        this.dns = dns;
    }

    /** The TLS front end ({@code wss://}), empty when disabled. */
    public Optional<InetSocketAddress> tls() {
        return Optional.ofNullable(tls);
    }

    /** The plain front end ({@code ws://}), empty when disabled. */
    public Optional<InetSocketAddress> plain() {
        return Optional.ofNullable(plain);
    }

    /** The rendezvous ports, index N for gateway instance {@code gN}. */
    public List<InetSocketAddress> rendezvous() {
        return rendezvous;
    }

    /** The management HTTP server ({@code /health}, {@code /metrics}), empty when disabled. */
    public Optional<InetSocketAddress> management() {
        return Optional.ofNullable(management);
    }

    /** The DNS responder (UDP and TCP on the same port), empty when disabled. */
    public Optional<InetSocketAddress> dns() {
        return Optional.ofNullable(dns);
    }

    /** The TLS front end's port; throws when it is disabled. */
    public int tlsPort() {
        return tls().orElseThrow(() -> new IllegalStateException("the TLS front end is disabled")).getPort();
    }

    /** The plain front end's port; throws when it is disabled. */
    public int plainPort() {
        return plain().orElseThrow(() -> new IllegalStateException("the plain front end is disabled")).getPort();
    }

    /** The DNS responder's port (UDP and TCP); throws when it is disabled. */
    public int dnsPort() {
        return dns().orElseThrow(() -> new IllegalStateException("the DNS responder is disabled")).getPort();
    }

    /** The management server's port; throws when it is disabled. */
    public int managementPort() {
        return management().orElseThrow(() -> new IllegalStateException("the management server is disabled"))
                .getPort();
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof GatewayAddresses that && Objects.equals(tls, that.tls)
                && Objects.equals(plain, that.plain) && rendezvous.equals(that.rendezvous)
                && Objects.equals(management, that.management) && Objects.equals(dns, that.dns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, plain, rendezvous, management, dns);
    }

    @Override
    public String toString() {
        return "GatewayAddresses[tls=" + tls + ", plain=" + plain + ", rendezvous=" + rendezvous + ", management="
                + management + ", dns=" + dns + "]";
    }
}
