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

    private final EchoTarget target;
    private final Supplier<OptionalLong> cpuNanos;
    private final Supplier<OptionalLong> jitNanos;
    private final GatewayPhases phases;
    private final long cpuAtStart;
    private final long jitAtStart;
    private final GatewayPhases.Snapshot phasesAtStart;

    private IntervalCost(EchoTarget target) throws InterruptedException {
        this.target = target;
        this.cpuNanos = target::intermediaryCpuNanos;
        this.jitNanos = target::intermediaryJitNanos;
        this.phases = target.gatewayPhases().orElse(null);
        target.startInterval();
        cpuAtStart = cpuNanos.get().orElse(-1);
        jitAtStart = jitNanos.get().orElse(-1);
        phasesAtStart = snapshot(phases);
    }

    /** Starts measuring {@code target}'s intermediary now. */
    static IntervalCost start(EchoTarget target) throws InterruptedException {
        return new IntervalCost(target);
    }

    /**
     * The CPU time spent since the start, or -1 where it is not measured.
     */
    long cpuNanos() {
        return since(cpuNanos, cpuAtStart);
    }

    private static long since(Supplier<OptionalLong> nanos, long atStart) {
        OptionalLong now = nanos.get();
        return now.isPresent() && atStart >= 0 ? now.getAsLong() - atStart : -1;
    }

    /**
     * {@code CPU us/conn} (where the CPU is measured), the part of it the JIT compiler used and the rest
     * ({@code JIT us/conn}, {@code CPU us/conn w/o JIT}, where that is measured: until the compiler is done, a run
     * measures compiling as much as relaying), the gateway's phases (where known) and what the target timed itself
     * ({@link EchoTarget#intervalFigures()}) for {@code connections} connections set up since the start.
     */
    Map<String, Double> perConnection(long connections) throws InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>();
        long cpu = cpuNanos();
        if (cpu >= 0 && connections > 0) {
            figures.put("CPU us/conn", cpu / 1e3 / connections);
            long jit = since(jitNanos, jitAtStart);
            if (jit >= 0) {
                figures.put("JIT us/conn", jit / 1e3 / connections);
                figures.put("CPU us/conn w/o JIT", (cpu - jit) / 1e3 / connections);
            }
        }
        GatewayPhases.Snapshot now = snapshot(phases);
        if (now != null && phasesAtStart != null) {
            figures.putAll(now.figuresSince(phasesAtStart));
        }
        figures.putAll(target.intervalFigures());
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
