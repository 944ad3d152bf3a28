package dev.relaysim.relay.loadtest;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A gateway the bench starts for a run on 127.0.0.1: in this JVM ({@link LocalGateway}), or in a JVM of its own
 * ({@link GatewayProcess}), whose CPU time is then the whole process's, JIT and GC included.
 */
interface BenchGateway extends AutoCloseable {

    int plainPort();

    int tlsPort();

    /** The CA certificate (PEM) that issued the gateway's TLS certificate. */
    Path caCertificatePem();

    /** The gateway's CPU time so far, in nanoseconds. */
    long cpuNanos();

    /**
     * CPU time so far of each of the gateway's I/O event loop threads ({@value EventLoopCpu#IO_THREAD_PREFIX}-*), by
     * thread name, in nanoseconds; empty where it cannot be read. Loops that never ran a task have no thread yet.
     */
    Map<String, Long> ioLoopCpuNanos();

    /** The management server ({@code /metrics}). */
    InetSocketAddress management();

    @Override
    void close();
}
