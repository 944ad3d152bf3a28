package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Where a scenario opens its connections: each one ends at an echo endpoint, through the relay (a listener that
 * echoes), directly, or through nginx. Everything on the client side is the same {@code RelayWebSocketClient}.
 */
interface EchoTarget extends AutoCloseable {

    /** {@code relay}, {@code direct} or {@code nginx}. */
    String name();

    /** Opens one connection whose peer echoes every message. */
    CompletableFuture<RelayConnection> connect();

    /** CPU time used so far by what sits between client and echo endpoint (gateway, nginx), if it is measured. */
    OptionalLong intermediaryCpuNanos();

    /**
     * The part of {@link #intermediaryCpuNanos} its JIT compiler threads used so far, if it is measured (a gateway in
     * a JVM of its own): compiling, not relaying, which a short run cannot tell from steady-state cost otherwise.
     */
    default OptionalLong intermediaryJitNanos() {
        return OptionalLong.empty();
    }

    /**
     * CPU time so far of each I/O event loop thread of the gateway, by name ({@link BenchGateway#ioLoopCpuNanos});
     * empty for targets without a gateway or where it is not measured.
     */
    default Map<String, Long> intermediaryLoopCpuNanos() {
        return Map.of();
    }

    /** The gateway's connection phases, where the target is the relay and the gateway's {@code /metrics} is known. */
    default Optional<GatewayPhases> gatewayPhases() {
        return Optional.empty();
    }

    /** Starts the figures the target times itself over a measured interval (a cluster target: its connects). */
    default void startInterval() {
    }

    /** The figures the target timed since {@link #startInterval()}, by row name; none by default. */
    default Map<String, Double> intervalFigures() {
        return Map.of();
    }

    @Override
    void close();
}
