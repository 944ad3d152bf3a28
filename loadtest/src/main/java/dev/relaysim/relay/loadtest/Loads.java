package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of the {@code throughput}, {@code latency} and {@code connect-rate} scenarios against one
 * {@link EchoTarget}; each returns its figures by name. Any wrong, missing or extra message, or any connection that
 * does not complete, throws {@link BenchFailure}.
 */
final class Loads {

    private static final long MIB = 1024 * 1024;
    private static final Duration TICK = Duration.ofMillis(250);
    private static final long DRAIN_TIMEOUT_SECONDS = 30;
    private static final long CONNECT_TIMEOUT_SECONDS = 60;

    private Loads() {
    }

    /** {@code connections} connections, each with {@code window} messages of {@code size} in flight. */
    static Map<String, Double> throughput(EchoTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        Measured measured = runStreams(target, load, load.window(), progress);
        double seconds = measured.nanos / 1e9;
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("up MB/s", measured.sent * (double) load.size() / MIB / seconds);
        figures.put("down MB/s", measured.received * (double) load.size() / MIB / seconds);
        figures.put("up msg/s", measured.sent / seconds);
        figures.put("down msg/s", measured.received / seconds);
        figures.putAll(cpuPerByte(measured.cpuNanos, (measured.sent + measured.received) * (double) load.size(),
                measured.nanos));
        figures.put("RTT p50 us", measured.roundTrips.getValueAtPercentile(50) / 1e3);
        figures.put("RTT p99 us", measured.roundTrips.getValueAtPercentile(99) / 1e3);
        figures.putAll(measured.loops);
        return figures;
    }

    /**
     * {@code CPU s/GB} and {@code CPU %} of an intermediary that spent {@code cpuNanos} (-1: not measured) while
     * {@code bytes} went through it both ways in {@code nanos}.
     */
    static Map<String, Double> cpuPerByte(long cpuNanos, double bytes, long nanos) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (cpuNanos >= 0 && bytes > 0) {
            figures.put("CPU s/GB", cpuNanos / 1e9 / (bytes / 1e9));
            figures.put("CPU %", 100.0 * cpuNanos / nanos);
        }
        return figures;
    }

    /** Ping-pong: one message of {@code size} in flight on each of {@code connections} connections. */
    static Map<String, Double> latency(EchoTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        Measured measured = runStreams(target, load, 1, progress);
        Histogram histogram = measured.roundTrips;
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("p50 us", histogram.getValueAtPercentile(50) / 1e3);
        figures.put("p90 us", histogram.getValueAtPercentile(90) / 1e3);
        figures.put("p99 us", histogram.getValueAtPercentile(99) / 1e3);
        figures.put("p99.9 us", histogram.getValueAtPercentile(99.9) / 1e3);
        figures.put("max us", histogram.getMaxValue() / 1e3);
        figures.put("round trips/s", measured.received / (measured.nanos / 1e9));
        return figures;
    }

    /**
     * New connections, {@code inFlight} at a time, each: connect (for the relay: connect, accept, rendezvous),
     * one checked round trip of {@code size}, close handshake.
     */
    static Map<String, Double> connectRate(EchoTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        Payloads payloads = new Payloads(load.size());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(load.warmup().isZero());
        AtomicLong completed = new AtomicLong();
        Histogram cycles = new Histogram(EchoStream.HIGHEST_TRACKABLE_NANOS, 3);
        CompletableFuture<Void> failure = new CompletableFuture<>();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < load.inFlight(); i++) {
            CompletableFuture<Void> worker = new CompletableFuture<>();
            workers.add(worker);
            nextCycle(target, payloads, running, measuring, completed, cycles, failure, worker);
        }
        IntervalCost[] cost = new IntervalCost[1];
        long measuredNanos = runPhases(load, progress, target.name(), failure,
                elapsed -> completed.get() + " connections", () -> {
                    cost[0] = IntervalCost.start(target);
                    completed.set(0);
                    synchronized (cycles) {
                        cycles.reset();
                    }
                    measuring.set(true);
                });
        long done = completed.get();
        Map<String, Double> costs = cost[0].perConnection(done);
        running.set(false);
        awaitAll(workers, failure, "connection cycles in flight");
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("connections/s", done / (measuredNanos / 1e9));
        synchronized (cycles) {
            figures.put("cycle p50 ms", cycles.getValueAtPercentile(50) / 1e6);
            figures.put("cycle p99 ms", cycles.getValueAtPercentile(99) / 1e6);
        }
        figures.putAll(costs);
        return figures;
    }

    private static void nextCycle(EchoTarget target, Payloads payloads, AtomicBoolean running, AtomicBoolean measuring,
                                  AtomicLong completed, Histogram cycles, CompletableFuture<Void> failure,
                                  CompletableFuture<Void> worker) {
        if (!running.get() || failure.isDone()) {
            worker.complete(null);
            return;
        }
        long start = System.nanoTime();
        target.connect().thenCompose(connection -> roundTripAndClose(connection, payloads))
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        failure.completeExceptionally(error instanceof BenchFailure ? error
                                : new BenchFailure(target.name() + ": a connection cycle failed: " + error, error));
                        worker.complete(null);
                        return;
                    }
                    if (measuring.get()) {
                        completed.incrementAndGet();
                        synchronized (cycles) {
                            cycles.recordValue(Math.min(EchoStream.HIGHEST_TRACKABLE_NANOS, System.nanoTime() - start));
                        }
                    }
                    nextCycle(target, payloads, running, measuring, completed, cycles, failure, worker);
                });
    }

    /** One checked round trip, then the close handshake; completes when the socket has closed normally. */
    private static CompletableFuture<Void> roundTripAndClose(RelayConnection connection, Payloads payloads) {
        return roundTrip(connection, payloads).thenCompose(ignored -> connection.close(RelayCloseStatus.NORMAL, ""))
                .thenAccept(status -> {
                    if (status.code() != RelayCloseStatus.NORMAL) {
                        throw new BenchFailure("the close handshake ended with " + status + " instead of 1000: "
                                + connection);
                    }
                });
    }

    /** Sends message 0 and completes when its echo is back, checked byte-exact; the connection's handler is taken. */
    static CompletableFuture<Void> roundTrip(RelayConnection connection, Payloads payloads) {
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        connection.setHandler(new RelayMessageHandler() {
            @Override
            public void onMessage(RelayMessage message) {
                String problem = payloads.check(message.asByteBuffer(), 0);
                if (problem != null) {
                    echoed.completeExceptionally(new BenchFailure(problem + " on " + connection));
                } else if (!echoed.complete(null)) {
                    echoed.completeExceptionally(new BenchFailure("an extra message arrived on " + connection));
                }
            }

            @Override
            public void onClose(int code, String reason) {
                echoed.completeExceptionally(new BenchFailure("the connection closed ("
                        + new RelayCloseStatus(code, reason) + ") before the echo: " + connection));
            }
        });
        connection.send(payloads.create(0));
        return echoed;
    }

    private static Measured runStreams(EchoTarget target, LoadParameters load, int window, Progress progress)
            throws InterruptedException {
        Payloads payloads = new Payloads(load.size());
        List<EchoStream> streams = new ArrayList<>();
        try {
            List<CompletableFuture<RelayConnection>> connecting = new ArrayList<>();
            for (int i = 0; i < load.connections(); i++) {
                connecting.add(target.connect());
            }
            for (CompletableFuture<RelayConnection> future : connecting) {
                streams.add(new EchoStream(await(future, target.name() + ": connect"), payloads, window));
            }
            CompletableFuture<Void> failure = CompletableFuture.anyOf(streams.stream().map(EchoStream::drained)
                    .toArray(CompletableFuture[]::new)).thenApply(ignored -> null);
            streams.forEach(EchoStream::start);
            long[] start = new long[3];
            List<Map<String, Long>> loopsAtStart = new ArrayList<>(List.of(Map.of()));
            long measuredNanos = runPhases(load, progress, target.name(), failure, elapsed -> {
                long received = sum(streams)[1] - start[1];
                return String.format("%.1f MB/s",
                        received * (double) load.size() / MIB / Math.max(1e-9, elapsed / 1e9));
            }, () -> {
                // First: a gateway process's first read of its loops runs jcmd, which should not count as relaying.
                loopsAtStart.set(0, target.intermediaryLoopCpuNanos());
                long[] counts = sum(streams);
                start[0] = counts[0];
                start[1] = counts[1];
                start[2] = target.intermediaryCpuNanos().orElse(-1);
                streams.forEach(EchoStream::takeRoundTrips);
            });
            long[] end = sum(streams);
            OptionalLong cpu = target.intermediaryCpuNanos();
            Map<String, Double> loops = EventLoopCpu.figures(loopsAtStart.get(0), target.intermediaryLoopCpuNanos(),
                    measuredNanos);
            Histogram roundTrips = new Histogram(EchoStream.HIGHEST_TRACKABLE_NANOS, 3);
            streams.forEach(stream -> roundTrips.add(stream.takeRoundTrips()));
            streams.forEach(EchoStream::stop);
            awaitAll(streams.stream().map(EchoStream::drained).toList(), failure, "echoes of the last messages");
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (EchoStream stream : streams) {
                closing.add(stream.connection().close(RelayCloseStatus.NORMAL, "").thenAccept(status -> {
                    if (status.code() != RelayCloseStatus.NORMAL) {
                        throw new BenchFailure("the close handshake ended with " + status + ": " + stream.connection());
                    }
                }));
            }
            awaitAll(closing, new CompletableFuture<>(), "close handshakes");
            streams.clear();
            return new Measured(measuredNanos, end[0] - start[0], end[1] - start[1],
                    cpu.isPresent() && start[2] >= 0 ? cpu.getAsLong() - start[2] : -1, roundTrips, loops);
        } finally {
            streams.forEach(stream -> stream.connection().abort());
        }
    }

    /**
     * Warm-up, then {@code reset}, then the measured duration, showing progress; stops early when {@code failure}
     * completes.
     *
     * @return the measured nanoseconds
     */
    private static long runPhases(LoadParameters load, Progress progress, String name, CompletableFuture<Void> failure,
                                  java.util.function.LongFunction<String> status, Reset reset)
            throws InterruptedException {
        long warmupEnd = System.nanoTime() + load.warmup().toNanos();
        while (System.nanoTime() < warmupEnd && !failure.isDone()) {
            Thread.sleep(Math.min(TICK.toMillis(), Math.max(1, (warmupEnd - System.nanoTime()) / 1_000_000)));
            progress.show(name + " warm-up", load.warmup().minusNanos(warmupEnd - System.nanoTime()), load.warmup(),
                    "");
        }
        reset.run();
        long start = System.nanoTime();
        long end = start + load.duration().toNanos();
        while (System.nanoTime() < end && !failure.isDone()) {
            Thread.sleep(Math.min(TICK.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long elapsed = System.nanoTime() - start;
            progress.show(name, Duration.ofNanos(elapsed), load.duration(), status.apply(elapsed));
        }
        long measured = System.nanoTime() - start;
        rethrow(failure);
        return measured;
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, CompletableFuture<Void> failure, String what)
            throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                    .get(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw asFailure(e.getCause());
        } catch (TimeoutException e) {
            rethrow(failure);
            throw new BenchFailure("the " + what + " did not complete within " + DRAIN_TIMEOUT_SECONDS
                    + " s (lost messages?)");
        }
        rethrow(failure);
    }

    private static RelayConnection await(CompletableFuture<RelayConnection> future, String what)
            throws InterruptedException {
        try {
            return future.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new BenchFailure(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new BenchFailure(what + " did not complete within " + CONNECT_TIMEOUT_SECONDS + " s");
        }
    }

    private static void rethrow(CompletableFuture<Void> failure) {
        if (failure.isCompletedExceptionally()) {
            try {
                failure.join();
            } catch (RuntimeException e) {
                throw asFailure(e.getCause() != null ? e.getCause() : e);
            }
        }
    }

    private static BenchFailure asFailure(Throwable cause) {
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof BenchFailure failure ? failure : new BenchFailure(String.valueOf(cause), cause);
    }

    private static long[] sum(List<EchoStream> streams) {
        long[] total = new long[2];
        for (EchoStream stream : streams) {
            long[] counts = stream.counts();
            total[0] += counts[0];
            total[1] += counts[1];
        }
        return total;
    }

    /** What starts the measured interval, once the warm-up is over. */
    @FunctionalInterface
    private interface Reset {
        void run() throws InterruptedException;
    }

    private record Measured(long nanos, long sent, long received, long cpuNanos, Histogram roundTrips,
                            Map<String, Double> loops) {
    }
}
