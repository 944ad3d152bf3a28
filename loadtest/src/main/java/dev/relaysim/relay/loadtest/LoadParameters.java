package dev.relaysim.relay.loadtest;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * One scenario's load, the same for the relay and every baseline.
 *
 * @param connections parallel connections (throughput, latency), idle pairs and listeners (idle)
 * @param size        message size in bytes
 * @param window      messages in flight per connection (throughput)
 * @param inFlight    connections being set up at once (connect-rate, idle)
 * @param listeners   relay listeners on the hybrid connection (throughput, latency, connect-rate)
 * @param warmup      load on each target before any is measured
 * @param duration    measured time
 */
record LoadParameters(int connections, int size, int window, int inFlight, int listeners, Duration warmup,
                      Duration duration) {

    LoadParameters {
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
        }
        if (size < Payloads.MIN_SIZE || size > 16 * 1024 * 1024 - 1024) {
            throw new IllegalArgumentException("size: " + size + " (expected: " + Payloads.MIN_SIZE + "-16 MiB)");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window: " + window + " (expected: >= 1)");
        }
        if (inFlight < 1) {
            throw new IllegalArgumentException("in-flight: " + inFlight + " (expected: >= 1)");
        }
        if (listeners < 1 || listeners > 25) {
            throw new IllegalArgumentException("listeners: " + listeners + " (expected: 1-25)");
        }
        requireNonNull(warmup, "warmup");
        requireNonNull(duration, "duration");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
    }

    /** Longest load on a target right before it is measured, after every target was warmed up. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /** The warm-up of one target: its warm-up time under load, then a measurement too short to mean anything. */
    LoadParameters warmUpPass() {
        return new LoadParameters(connections, size, window, inFlight, listeners, warmup, Duration.ofMillis(1));
    }

    /** The measurement of one target once all were warmed up: a short settling load, then the measured time. */
    LoadParameters measuredPass() {
        Duration settle = warmup.compareTo(SETTLE) < 0 ? warmup : SETTLE;
        return new LoadParameters(connections, size, window, inFlight, listeners, settle, duration);
    }
}
