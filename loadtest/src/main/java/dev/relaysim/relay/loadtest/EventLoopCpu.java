package dev.relaysim.relay.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a measured interval's load spread over the gateway's I/O event loops: each loop's CPU time over the interval as
 * a percentage of the interval (100 % is one core), the busiest loop first, and their sum. A relay pair lives on one
 * loop, so this shows whether many connections keep both cores of a 2-core machine busy.
 */
final class EventLoopCpu {

    /** The name prefix of the gateway's I/O event loop threads ({@code GatewayServer}'s group). */
    static final String IO_THREAD_PREFIX = "relaysim-gateway-io";
    /** Loops below this share of a core count as idle in {@code busy loops}. */
    private static final double BUSY_PERCENT = 5;

    private EventLoopCpu() {
    }

    /**
     * {@code loops CPU %} (all I/O loops together), {@code busy loops} (loops above {@value #BUSY_PERCENT} %) and
     * {@code loop N CPU %} for each loop that ran, N = 1 the busiest, for CPU times by thread name read at the start
     * and the end of an interval of {@code nanos}; empty where either read is empty.
     */
    static Map<String, Double> figures(Map<String, Long> atStart, Map<String, Long> atEnd, long nanos) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (atStart.isEmpty() || atEnd.isEmpty() || nanos <= 0) {
            return figures;
        }
        List<Double> shares = new ArrayList<>();
        atEnd.forEach((thread, cpu) -> shares.add(100.0 * (cpu - atStart.getOrDefault(thread, 0L)) / nanos));
        shares.sort((a, b) -> Double.compare(b, a));
        figures.put("loops CPU %", shares.stream().mapToDouble(Double::doubleValue).sum());
        figures.put("busy loops", (double) shares.stream().filter(share -> share > BUSY_PERCENT).count());
        for (int i = 0; i < shares.size(); i++) {
            figures.put("loop " + (i + 1) + " CPU %", shares.get(i));
        }
        return figures;
    }
}
