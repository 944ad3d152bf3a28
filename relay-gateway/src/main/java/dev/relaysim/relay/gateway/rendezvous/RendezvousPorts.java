package dev.relaysim.relay.gateway.rendezvous;

import dev.relaysim.relay.gateway.config.PortRange;

import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The gateway instances {@code g0..g(n-1)}, one per rendezvous port ({@code 9400..9599} by default), handed out in
 * turn to new rendezvous. Thread-safe.
 */
public final class RendezvousPorts {

    private final PortRange range;
    private final AtomicInteger cursor = new AtomicInteger();

    public RendezvousPorts(PortRange range) {
        this.range = requireNonNull(range, "range");
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

    /** The instance for the next rendezvous, round-robin over all of them. */
    public int nextInstance() {
        return Math.floorMod(cursor.getAndIncrement(), range.size());
    }
}
