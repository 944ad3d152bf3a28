package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.gateway.GatewayAddresses;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.ConfigException;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.BindException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gateway in this JVM, with its own event loops, on a {@link GatewaySetup}; its CPU time is the sum over its
 * threads ({@code relaysim-gateway-*}).
 */
final class LocalGateway implements BenchGateway {

    private static final String THREAD_PREFIX = "relaysim-gateway";
    private static final int BIND_ATTEMPTS = 10;

    private final GatewaySetup setup;
    private final GatewayServer server;
    private final GatewayAddresses addresses;

    private LocalGateway(GatewaySetup setup, GatewayServer server, GatewayAddresses addresses) {
        this.setup = setup;
        this.server = server;
        this.addresses = addresses;
    }

    /** Starts the gateway; a rendezvous block taken meanwhile by another process is retried with another block. */
    static LocalGateway start(int idleEntities) throws IOException {
        BindException collision = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            GatewaySetup setup = new GatewaySetup(idleEntities);
            GatewayServer server = new GatewayServer(config(setup));
            try {
                return new LocalGateway(setup, server, server.start());
            } catch (BindException e) {
                collision = e;
                setup.close();
            } catch (IOException | RuntimeException e) {
                setup.close();
                throw e;
            }
        }
        throw collision;
    }

    private static GatewayConfig config(GatewaySetup setup) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> list = setup.flags();
        for (int i = 0; i < list.size(); i += 2) {
            flags.put(list.get(i), list.get(i + 1));
        }
        try {
            return ConfigLoader.load(setup.configFile(), flags, Map.of("HOME", System.getProperty("user.home")));
        } catch (ConfigException e) {
            setup.close();
            throw new IllegalStateException("the benchmark's gateway configuration is invalid: " + e.getMessage(), e);
        }
    }

    GatewayServer server() {
        return server;
    }

    GatewayAddresses addresses() {
        return addresses;
    }

    @Override
    public int plainPort() {
        return addresses.plainPort();
    }

    @Override
    public int tlsPort() {
        return addresses.tlsPort();
    }

    @Override
    public Path caCertificatePem() {
        return server.certificateAuthority().caCertificatePem();
    }

    @Override
    public InetSocketAddress management() {
        return new InetSocketAddress("127.0.0.1", addresses.managementPort());
    }

    /** CPU time of the gateway's threads so far (threads that ended are not counted; event loops live on). */
    @Override
    public long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(THREAD_PREFIX)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }

    @Override
    public Map<String, Long> ioLoopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(EventLoopCpu.IO_THREAD_PREFIX)) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadName(), nanos);
                }
            }
        }
        return cpu;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            setup.close();
        }
    }
}
