package dev.relaysim.relay.loadtest;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * What the intermediary (the gateway, nginx) spent over one measured interval: its CPU time and, for a gateway
 * whose {@code /metrics} is known, its connection phases. Started at the interval's beginning, read at its end.
 */
final class IntervalCost {

    private final Supplier<OptionalLong> cpuNanos;
    private final GatewayPhases phases;
    private final long cpuAtStart;
    private final GatewayPhases.Snapshot phasesAtStart;

    private IntervalCost(Supplier<OptionalLong> cpuNanos, GatewayPhases phases) throws InterruptedException {
        this.cpuNanos = cpuNanos;
        this.phases = phases;
        cpuAtStart = cpuNanos.get().orElse(-1);
        phasesAtStart = snapshot(phases);
    }

    /** Starts measuring {@code target}'s intermediary now. */
    static IntervalCost start(EchoTarget target) throws InterruptedException {
        return new IntervalCost(target::intermediaryCpuNanos, target.gatewayPhases().orElse(null));
    }

    /**
     * The CPU time spent since the start, or -1 where it is not measured.
     */
    long cpuNanos() {
        OptionalLong now = cpuNanos.get();
        return now.isPresent() && cpuAtStart >= 0 ? now.getAsLong() - cpuAtStart : -1;
    }

    /**
     * {@code CPU us/conn} (where the CPU is measured) and the gateway's phases (where known) for {@code connections}
     * connections set up since the start.
     */
    Map<String, Double> perConnection(long connections) throws InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>();
        long cpu = cpuNanos();
        if (cpu >= 0 && connections > 0) {
            figures.put("CPU us/conn", cpu / 1e3 / connections);
        }
        GatewayPhases.Snapshot now = snapshot(phases);
        if (now != null && phasesAtStart != null) {
            figures.putAll(now.figuresSince(phasesAtStart));
        }
        return figures;
    }

    /** The phases now, or null where they are not known. */
    private static GatewayPhases.Snapshot snapshot(GatewayPhases phases) throws InterruptedException {
        if (phases == null) {
            return null;
        }
        try {
            return phases.snapshot();
        } catch (IOException e) {
            throw new IllegalStateException("the gateway's connection phases could not be read: " + e.getMessage(), e);
        }
    }
}
