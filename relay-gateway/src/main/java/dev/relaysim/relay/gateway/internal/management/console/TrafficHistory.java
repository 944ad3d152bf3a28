package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The last minutes of the gateway's traffic for the console's charts, sampled from the meter registry:
 * {@code GET /relaysim/stats} answers
 * {@code {"intervalSeconds":5,"samples":[{"time","listeners","activeConnections","connections","relayedBytes",
 * "refusals"}]}}, oldest first, at most {@link #capacity()} samples plus one taken at the request. Listeners and
 * active connections are the gauges' sums at that time; connections, relayed bytes (both directions) and refusals
 * are the counters' running totals, from which the console draws rates.
 *
 * <p>Not thread-safe: {@link #sample()} (scheduled every interval) and {@link #get} run on the management event loop.
 */
public final class TrafficHistory {

    /** The route's path. */
    public static final String PATH = "/relaysim/stats";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private final Deque<Map<String, Object>> samples = new ArrayDeque<>();

    /**
     * @param interval how often {@link #sample()} is called (reported to the console for its axis)
     * @param window how far back the samples reach; {@code window / interval} samples are kept
     */
    public TrafficHistory(MeterRegistry registry, Clock clock, Duration interval, Duration window) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.interval = requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero() || window.compareTo(interval) < 0) {
            throw new IllegalArgumentException("interval: " + interval + ", window: " + window
                    + " (expected: 0 < interval <= window)");
        }
        capacity = (int) (window.toMillis() / interval.toMillis());
    }

    public Duration interval() {
        return interval;
    }

    /** How many samples are kept. */
    public int capacity() {
        return capacity;
    }

    /** Records the meters' values now, dropping the oldest sample beyond {@link #capacity()}. */
    public void sample() {
        samples.addLast(current());
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    public ManagementResponse get(ManagementRequest request) {
        List<Map<String, Object>> answer = new ArrayList<>(samples);
        answer.add(current());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intervalSeconds", interval.toSeconds());
        body.put("samples", answer);
        return ManagementResponse.json(HttpResponseStatus.OK, body);
    }

    private Map<String, Object> current() {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("time", clock.instant().toString());
        sample.put("listeners", (long) gauges(RelayMeters.LISTENERS_CONNECTED));
        sample.put("activeConnections", (long) gauges(RelayMeters.CONNECTIONS_ACTIVE));
        sample.put("connections", (long) counters(RelayMeters.CONNECTIONS));
        sample.put("relayedBytes", (long) counters(RelayMeters.RELAYED_BYTES));
        sample.put("refusals", (long) counters(RelayMeters.REFUSALS));
        return sample;
    }

    private double gauges(String name) {
        return registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    private double counters(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
