package dev.relaysim.relay.gateway.config;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Rendezvous port blocks for gateways embedded in tests and in {@code ./relaysim bench}. They lie outside the
 * ports a running {@code ./relaysim gateway} owns by default (front ends 9443, 9080, 9390, 1053 and the rendezvous
 * ports 9400-9599), so both run beside the daemon, and below Linux's ephemeral range (32768-60999), so they do not
 * collide with the local ports of outgoing connections. Callers pick a random block and retry another when a bind
 * fails, so that test JVMs running at the same time rarely collide.
 */
public final class EmbeddedPortBlocks {

    /** The lowest port of any block. */
    public static final int FIRST_PORT = 20000;
    /** The highest port of any block. */
    public static final int LAST_PORT = 29999;

    private EmbeddedPortBlocks() {
    }

    /**
     * A random block of {@code size} consecutive ports in {@value #FIRST_PORT}-{@value #LAST_PORT}, aligned to a
     * multiple of {@code size}.
     *
     * @throws IllegalArgumentException if {@code size} is not 1-{@value PortRange#MAX_PORTS}
     */
    public static PortRange random(int size) {
        if (size < 1 || size > PortRange.MAX_PORTS) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1-" + PortRange.MAX_PORTS + ")");
        }
        int blocks = (LAST_PORT - FIRST_PORT + 1) / size;
        int first = FIRST_PORT + ThreadLocalRandom.current().nextInt(blocks) * size;
        return new PortRange(first, first + size - 1);
    }
}
