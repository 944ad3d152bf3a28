package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.PortRange;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The gateway instances {@code g0..g(n-1)}, one per rendezvous port ({@code 9400..9599} by default), handed out in
 * turn to new rendezvous. Thread-safe.
 */
public final class RendezvousPorts {

    private final PortRange range;
    private final AdvertisedSettings advertised;
    private final AtomicInteger cursor = new AtomicInteger();

    /** Ports that clients reach as bound. */
    public RendezvousPorts(PortRange range) {
        this(range, AdvertisedSettings.NONE);
    }

    /**
     * @param range the bound ports
     * @param advertised the host and rendezvous ports clients are told, when they differ from the bound ones
     */
    public RendezvousPorts(PortRange range, AdvertisedSettings advertised) {
        this.range = requireNonNull(range, "range");
        this.advertised = requireNonNull(advertised, "advertised");
    }

    public PortRange range() {
        return range;
    }

    /** How many instances there are. */
    public int size() {
        return range.size();
    }

    /** The port of instance {@code gN}. */
    public int port(int instance) {
        return range.port(instance);
    }

    /**
     * {@code host:port} of instance {@code gN} in accept and request addresses: the advertised host, else the local
     * address the listener's control channel reached; the advertised port of gN, else the bound one.
     */
    public String authority(InetSocketAddress listenerLocalAddress, int instance) {
        return advertised.urlHost(listenerLocalAddress.getAddress()) + ':'
                + advertised.rendezvousPort(instance, port(instance));
    }

    /** The instance for the next rendezvous, round-robin over all of them. */
    public int nextInstance() {
        return Math.floorMod(cursor.getAndIncrement(), range.size());
    }
}
