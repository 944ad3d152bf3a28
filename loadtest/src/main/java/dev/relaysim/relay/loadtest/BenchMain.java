package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench SCENARIO}: runs one scenario against the relay and, in the same run, against the baselines (a
 * direct WebSocket to the echo server; nginx in front of it when installed), prints the summary table and writes
 * the JSON result and the PNG chart. Exit codes: 0 every message and connection checked out, 1 a correctness
 * failure (loss, reordering, corruption, a connection that did not complete), 2 bad arguments, 3 the run could
 * not be set up.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Measures the relay against a direct WebSocket and nginx, in the same run, "
                + "checking every message.")
public final class BenchMain implements Callable<Integer> {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_SETUP = 3;

    private static final List<String> SCENARIOS = List.of("throughput", "latency", "connect-rate", "idle", "integrity");
    private static final List<String> TRANSPORTS = List.of("epoll", "io_uring", "nio");
    /** What the gateway logs when it cannot take the transport asked for ({@link EventLoops}). */
    static final String UNAVAILABLE_TRANSPORT = "transport is unavailable here";
    /** Where the Node stack is installed. */
    private static final Path NODE_DIRECTORY = Path.of("target", "bench-node");
    private static final Duration NODE_TOKEN_VALIDITY = Duration.ofHours(2);
    private static final String INTEGRITY = "integrity";
    private static final int MAX_ROUNDS = 99;
    /** Prefix of the temporary directory of the echo server's CA in a TLS run against {@code --connection-string}. */
    static final String ECHO_CA_DIRECTORY_PREFIX = "relaysim-bench-ca";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO",
            description = "throughput, latency, connect-rate, idle or integrity")
    private String scenario;

    @Option(names = "--connections", paramLabel = "N",
            description = "parallel connections (throughput, latency: default 1), "
                    + "idle listeners and pairs (idle: default 1000), "
                    + "relayed connections all open at once (integrity: default 5000)")
    private Integer connections;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "message size (default: throughput 65536, else 64); "
                    + "integrity: the largest message, sizes are log-uniform from 9 bytes to it (default 131072)")
    private Integer size;

    @Option(names = "--messages", paramLabel = "M",
            description = "integrity: messages per connection and direction (default 16)")
    private Integer messages;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "7",
            description = "integrity: seed of the message generator (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--window", paramLabel = "N", defaultValue = "16",
            description = "messages in flight per connection in throughput (default: ${DEFAULT-VALUE})")
    private int window;

    @Option(names = "--in-flight", paramLabel = "C",
            description = "connections set up at once (connect-rate: default 16, idle, integrity: default 100)")
    private Integer inFlight;

    @Option(names = "--listeners", paramLabel = "N",
            description = "relay listeners on the hybrid connection (default 2; --cluster: on each node); "
                    + "integrity: listeners, 25 per hybrid connection (default 1000)")
    private Integer listeners;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s",
            description = "measured time (default: ${DEFAULT-VALUE})")
    private String duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s",
            description = "load on each target before any is measured; each is measured after up to 2 s more "
                    + "(default: ${DEFAULT-VALUE})")
    private String warmup;

    @Option(names = "--tls", description = "TLS on every leg (relay, echo server and nginx); implied by "
            + "--connection-string, whose sb:// endpoint is always TLS, so that the baselines run the same way")
    private boolean tls;

    @Option(names = "--connection-string", paramLabel = "CS",
            description = "an existing gateway (its hybrid connection must allow 25 listeners); "
                    + "default: one started in-process")
    private String connectionString;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA certificate (PEM) of --connection-string's gateway")
    private Path ca;

    @Option(names = "--no-nginx", description = "skip the nginx baseline")
    private boolean noNginx;

    @Option(names = "--gateway-process", description = "throughput, latency, connect-rate: run the gateway in a JVM of "
            + "its own, its CPU time read from /proc/<pid>/stat (JIT and GC included), as idle and integrity do")
    private boolean gatewayProcess;

    @Option(names = "--gateway-transport", paramLabel = "T", description = "the gateway process's transport: epoll, "
            + "io_uring or nio (-D" + EventLoops.TRANSPORT_PROPERTY + "; io_uring falls back to epoll, logged, where "
            + "the kernel refuses it); implies --gateway-process")
    private String gatewayTransport;

    @Option(names = "--cluster", paramLabel = "N", description = "throughput, latency, connect-rate: N gateway nodes "
            + "(2-9) as processes on 127.0.1.51..(50+N) in one Hazelcast cluster; node i holds --listeners "
            + "listeners of hybrid connection node-i; columns one-node (node 0 both ends), same-node (senders on "
            + "their listeners' node), cross-node (senders on the next node) instead of the baselines; "
            + "--connections defaults to N")
    private Integer clusterNodes;

    @Option(names = "--rounds", paramLabel = "N", description = "--cluster: measured passes (--duration each) per "
            + "target, in alternating order; each figure the median (default "
            + ClusterBench.DEFAULT_ROUNDS + ")")
    private Integer rounds;

    @Option(names = "--no-node", description = "skip the second client stack (Node ws 8 with bufferutil, installed "
            + "under target/ with npm when Node.js is there)")
    private boolean noNode;

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "1",
            description = "event loops of the senders (default: ${DEFAULT-VALUE})")
    private int clientThreads;

    @Option(names = "--echo-threads", paramLabel = "N", defaultValue = "1",
            description = "event loops of the relay listeners and of the echo server each (default: ${DEFAULT-VALUE})")
    private int echoThreads;

    @Option(names = "--gateway-jvm-option", paramLabel = "OPTION",
            description = "a JVM option of the gateway process "
                    + "(repeatable; idle: default -Xmx1g; integrity: in addition to --gateway-heap)")
    private List<String> gatewayJvmOptions;

    @Option(names = "--gateway-heap", paramLabel = "SIZE", defaultValue = "512m",
            description = "integrity: the gateway process's fixed heap, -Xmx (default: ${DEFAULT-VALUE})")
    private String gatewayHeap;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "target/bench-results",
            description = "where the JSON result and the chart go (default: ${DEFAULT-VALUE})")
    private Path results;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "show the live progress line (default: on)")
    private boolean progressLine;

    private Path lastResultFile;

    public static void main(String[] args) {
        ClientOptions.useQuietLogging();
        System.setProperty("java.awt.headless", "true");
        System.exit(Cli.execute(new BenchMain(), args));
    }

    /** The JSON file the last successful run wrote. */
    Path lastResultFile() {
        return lastResultFile;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadParameters load = null;
        IntegrityParameters integrity = null;
        try {
            if (INTEGRITY.equals(scenario)) {
                integrity = integrityParameters();
            } else {
                load = parameters();
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        Map<String, Object> described = integrity != null ? integrity.describe() : describe(load);
        Progress progress = new Progress(out, progressLine && System.console() != null);
        BenchResults run = new BenchResults(scenario, described);
        out.printf("bench %s %s%n", scenario, described);
        try {
            if (integrity != null) {
                runIntegrity(integrity, run, progress);
            } else if (scenario.equals("idle")) {
                runIdle(load, run, progress);
            } else if (clusterNodes != null) {
                new ClusterBench(clusterNodes, clusterRounds(), gatewayProcessOptions(), tls, clientThreads,
                        echoThreads, this::run).run(load, run, progress);
            } else {
                runLoad(load, run, progress, out);
            }
        } catch (BenchFailure e) {
            err.println("FAILED: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (IOException | IllegalStateException e) {
            err.println("cannot run the benchmark: " + e.getMessage());
            return EXIT_SETUP;
        }
        run.printTable(out);
        lastResultFile = run.write(results);
        out.println("results: " + lastResultFile + " (chart: " + lastResultFile.getFileName().toString()
                .replace(".json", ".png") + ")");
        out.flush();
        return 0;
    }

    private LoadParameters parameters() {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("SCENARIO: " + scenario + " (expected: one of "
                    + String.join(", ", SCENARIOS) + ")");
        }
        if (clientThreads < 1 || echoThreads < 1) {
            throw new IllegalArgumentException("--client-threads, --echo-threads: " + clientThreads + ", " + echoThreads
                    + " (expected: >= 1)");
        }
        if (ca != null && connectionString == null) {
            throw new IllegalArgumentException("--ca: " + ca + " (expected: only with --connection-string)");
        }
        if (gatewayTransport != null && !TRANSPORTS.contains(gatewayTransport)) {
            throw new IllegalArgumentException("--gateway-transport: " + gatewayTransport + " (expected: one of "
                    + String.join(", ", TRANSPORTS) + ")");
        }
        if (gatewayTransport != null) {
            gatewayProcess = true;
        }
        if (gatewayProcess && connectionString != null) {
            throw new IllegalArgumentException("--gateway-process: not with --connection-string (expected: one of "
                    + "them)");
        }
        if (clusterNodes != null) {
            checkCluster();
        } else if (rounds != null) {
            throw new IllegalArgumentException("--rounds: only with --cluster (expected: --cluster N)");
        }
        if (connectionString != null) {
            // The relay leg of a connection string (sb://) is TLS; plain baselines would make the ratios compare
            // TLS against plain WebSockets.
            tls = true;
        }
        boolean idle = scenario.equals("idle");
        int defaultConnections = idle ? 1000 : 1;
        int defaultSize = scenario.equals("throughput") ? 65536 : 64;
        int defaultInFlight = idle ? 100 : 16;
        if (clusterNodes != null && !idle) {
            defaultConnections = clusterNodes;
        }
        return new LoadParameters(connections != null ? connections : defaultConnections,
                size != null ? size : defaultSize, window, inFlight != null ? inFlight : defaultInFlight,
                listeners != null ? listeners : 2,
                duration("--warmup", warmup), duration("--duration", duration));
    }

    private void checkCluster() {
        if (clusterNodes < 2 || clusterNodes > GatewayCluster.MAX_NODES) {
            throw new IllegalArgumentException("--cluster: " + clusterNodes + " (expected: 2-"
                    + GatewayCluster.MAX_NODES + " nodes)");
        }
        if (rounds != null && (rounds < 1 || rounds > MAX_ROUNDS)) {
            throw new IllegalArgumentException("--rounds: " + rounds + " (expected: 1-" + MAX_ROUNDS + ")");
        }
        if (scenario.equals("idle")) {
            throw new IllegalArgumentException("--cluster: not with idle (expected: throughput, latency or "
                    + "connect-rate)");
        }
        if (connectionString != null) {
            throw new IllegalArgumentException("--cluster: not with --connection-string (expected: one of them)");
        }
    }

    private int clusterRounds() {
        return rounds != null ? rounds : ClusterBench.DEFAULT_ROUNDS;
    }

    private IntegrityParameters integrityParameters() {
        if (clusterNodes != null) {
            throw new IllegalArgumentException("--cluster: not with integrity (expected: throughput, latency or "
                    + "connect-rate)");
        }
        if (connectionString != null || ca != null) {
            throw new IllegalArgumentException("--connection-string, --ca: not with integrity "
                    + "(expected: none; it measures a gateway process it starts itself)");
        }
        if (clientThreads < 1 || echoThreads < 1) {
            throw new IllegalArgumentException("--client-threads, --echo-threads: " + clientThreads + ", " + echoThreads
                    + " (expected: >= 1)");
        }
        return new IntegrityParameters(listeners != null ? listeners : IntegrityParameters.DEFAULT_LISTENERS,
                connections != null ? connections : IntegrityParameters.DEFAULT_CONNECTIONS,
                messages != null ? messages : IntegrityParameters.DEFAULT_MESSAGES,
                size != null ? size : IntegrityParameters.DEFAULT_MAX_SIZE,
                inFlight != null ? inFlight : IntegrityParameters.DEFAULT_IN_FLIGHT, seed, gatewayHeap, tls);
    }

    private void runLoad(LoadParameters load, BenchResults run, Progress progress, PrintWriter out) throws Exception {
        EventLoopGroup clientGroup = EventLoops.newGroup("bench-client", clientThreads);
        EventLoopGroup listenerGroup = EventLoops.newGroup("bench-listener", echoThreads);
        run.note(loadAverage("at the start"));
        try (BenchGateway gateway = startGateway()) {
            Endpoints endpoints = endpoints(gateway);
            GatewayPhases phases = gateway == null ? null : new GatewayPhases(gateway.management());
            try (EchoServer echo = new EchoServer(endpoints.serverSsl, echoThreads);
                 RelayTarget relay = new RelayTarget(endpoints.relay, endpoints.tokens, endpoints.relaySsl,
                         load.listeners(), clientGroup, listenerGroup, gateway != null ? gateway::cpuNanos : null,
                         gateway instanceof GatewayProcess process ? process::jitCpuNanos : null, phases,
                         gateway != null ? gateway::ioLoopCpuNanos : null);
                 WebSocketTarget direct = new WebSocketTarget("direct", echo.uri(), endpoints.echoClientSsl,
                         clientGroup, null)) {
                Optional<NginxProxy> nginx = startNginx(echo, endpoints, load, run);
                try (WebSocketTarget through = nginx.map(proxy -> new WebSocketTarget("nginx", proxy.uri(),
                        endpoints.echoClientSsl, clientGroup, proxy::cpuNanos)).orElse(null)) {
                    List<EchoTarget> targets = through == null ? List.of(relay, direct)
                            : List.of(relay, direct, through);
                    measureAll(targets, load, run, progress);
                    // The Java listeners would take some of the Node senders' connections.
                    relay.close();
                    measureNode(relay, targets, endpoints, load.measuredPass(), run, progress);
                } finally {
                    nginx.ifPresent(NginxProxy::close);
                }
            } finally {
                if (endpoints.temporaryEchoCa) {
                    TempDirectories.delete(endpoints.serverCertificate);
                }
            }
            if (gateway == null) {
                run.note("external gateway " + endpoints.relay + ": its CPU is not measured");
            } else if (gateway instanceof GatewayProcess process) {
                process.outputLine(UNAVAILABLE_TRANSPORT).ifPresent(run::note);
            }
        } finally {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            listenerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        run.note(loadAverage("at the end"));
        out.flush();
    }

    /** The JVM options of a gateway process: its transport, then {@code --gateway-jvm-option}s. */
    private List<String> gatewayProcessOptions() {
        List<String> jvmOptions = new ArrayList<>();
        if (gatewayTransport != null) {
            jvmOptions.add("-D" + EventLoops.TRANSPORT_PROPERTY + "=" + gatewayTransport);
        }
        if (gatewayJvmOptions != null) {
            jvmOptions.addAll(gatewayJvmOptions);
        }
        return jvmOptions;
    }

    /** The gateway of a load run: none for {@code --connection-string}, else in-process or a process of its own. */
    private BenchGateway startGateway() throws IOException, InterruptedException {
        if (connectionString != null) {
            return null;
        }
        if (!gatewayProcess) {
            return LocalGateway.start(0);
        }
        return GatewayProcess.start(() -> new GatewaySetup(0), gatewayProcessOptions());
    }

    /**
     * The same scenario driven by the Node stack against the same targets: a {@code -node} column per target, its
     * listeners in a Node process of their own.
     */
    private void measureNode(RelayTarget relay, List<EchoTarget> targets, Endpoints endpoints, LoadParameters load,
                             BenchResults run, Progress progress) throws IOException, InterruptedException {
        if (noNode) {
            run.note("node ws: skipped (--no-node)");
            return;
        }
        NodeStack.Installed installed = NodeStack.install(NODE_DIRECTORY.toAbsolutePath());
        if (installed.stack() == null) {
            run.note(installed.reason());
            return;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (tls) {
            environment.put("NODE_EXTRA_CA_CERTS", nodeCertificates(endpoints).toString());
        }
        RelayEndpoint endpoint = endpoints.relay;
        String token = endpoints.tokens == null ? null
                : endpoints.tokens.token(endpoint.audience(), NODE_TOKEN_VALIDITY);
        String entity = (endpoint.secure() ? "wss://" : "ws://") + endpoint.authority() + "/$hc/"
                + endpoint.entityPath();
        try (NodeStack.Script listeners = installed.stack().listen(URI.create(entity + "?sb-hc-action=listen"), token,
                load.listeners(), environment)) {
            for (EchoTarget target : targets) {
                String name = target.name() + NodeStack.SUFFIX;
                URI uri = target == relay ? URI.create(entity + "?sb-hc-action=connect")
                        : ((WebSocketTarget) target).uri();
                progress.show(name, Duration.ZERO, load.warmup().plus(load.duration()), "");
                Map<String, Double> figures = installed.stack().load(name, scenario, uri,
                        target == relay ? token : null, load, environment, target == relay ? listeners : null,
                        () -> IntervalCost.start(target));
                progress.done(name, summary(figures));
                run.add(name, figures);
            }
        }
        run.note("node ws: ws 8 with bufferutil, listeners and senders in separate Node processes, installed in "
                + NODE_DIRECTORY);
    }

    /** The CA certificates the Node stack trusts in a TLS run: the relay's and the echo server's, in one file. */
    private static Path nodeCertificates(Endpoints endpoints) throws IOException {
        StringBuilder pems = new StringBuilder();
        if (endpoints.relayCa != null) {
            pems.append(Files.readString(endpoints.relayCa)).append('\n');
        }
        pems.append(Files.readString(endpoints.echoCa));
        Path file = NODE_DIRECTORY.toAbsolutePath().resolve("bench-ca.pem");
        Files.writeString(file, pems);
        return file;
    }

    static String loadAverage(String when) {
        double average = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "load average %s: %.2f (%d cores)", when, average,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Warms every target up, then measures each after a short settling load. Warming all before measuring any keeps
     * the first target from being measured while the JIT still compiles the code all targets share (the clients,
     * and, in-process, the gateway): on 2 cores the compiler alone took most of a core for the first 15 s of
     * connect-rate.
     */
    private void measureAll(List<EchoTarget> targets, LoadParameters load, BenchResults run, Progress progress)
            throws InterruptedException {
        if (!load.warmup().isZero()) {
            for (EchoTarget target : targets) {
                run(target, load.warmUpPass(), progress);
            }
        }
        for (EchoTarget target : targets) {
            run.add(target.name(), measure(target, load.measuredPass(), progress));
        }
    }

    private Map<String, Double> run(EchoTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        return switch (scenario) {
            case "throughput" -> Loads.throughput(target, load, progress);
            case "latency" -> Loads.latency(target, load, progress);
            default -> Loads.connectRate(target, load, progress);
        };
    }

    private Map<String, Double> measure(EchoTarget target, LoadParameters load, Progress progress)
            throws InterruptedException {
        Map<String, Double> figures = run(target, load, progress);
        progress.done(target.name(), summary(figures));
        return figures;
    }

    private void runIdle(LoadParameters load, BenchResults run, Progress progress) throws Exception {
        if (connectionString != null) {
            throw new IllegalStateException("the idle scenario measures a gateway process it starts itself "
                    + "(expected: no --connection-string)");
        }
        EventLoopGroup clientGroup = EventLoops.newGroup("bench-client", clientThreads);
        EventLoopGroup listenerGroup = EventLoops.newGroup("bench-listener", echoThreads);
        ExecutorService handlers = Executors.newFixedThreadPool(2,
                new DefaultThreadFactory("bench-listener-handler", true));
        try {
            List<String> jvmOptions = gatewayJvmOptions != null ? gatewayJvmOptions : List.of("-Xmx1g");
            try (GatewayProcess gateway = GatewayProcess.start(() -> new GatewaySetup(GatewaySetup.IDLE_ENTITY_PREFIX,
                    IdleLoad.entities(load.connections()), IdleLoad.limits(load.connections())), jvmOptions)) {
                SslContext clientSsl = tls
                        ? SslContexts.forClient(DevDefaults.caCertificatePem(gateway.dataDirectory())) : null;
                Map<String, Double> figures = IdleLoad.relay(gateway, tls, clientSsl, load, clientGroup, listenerGroup,
                        handlers, progress);
                progress.done("relay", summary(figures));
                run.add("relay", figures);
            }
            run.note("direct: no intermediary holds memory for a direct connection");
            Optional<Path> executable = noNginx ? Optional.empty() : NginxProxy.executable();
            if (executable.isPresent()) {
                try (EchoServer echo = new EchoServer(null, echoThreads);
                     NginxProxy proxy = NginxProxy.start(executable.get(), echo.port(), null, null, load.connections());
                     WebSocketTarget through = new WebSocketTarget("nginx", proxy.uri(), null, clientGroup, null)) {
                    Map<String, Double> figures = IdleLoad.nginx(proxy, through, load, progress);
                    progress.done("nginx", summary(figures));
                    run.add("nginx", figures);
                }
            } else {
                run.note(noNginx ? "nginx: skipped (--no-nginx)" : "nginx: not installed, no baseline");
            }
        } finally {
            handlers.shutdownNow();
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            listenerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void runIntegrity(IntegrityParameters load, BenchResults run, Progress progress) throws Exception {
        EventLoopGroup clientGroup = EventLoops.newGroup("bench-client", clientThreads);
        EventLoopGroup listenerGroup = EventLoops.newGroup("bench-listener", echoThreads);
        ExecutorService handlers = Executors.newFixedThreadPool(2,
                new DefaultThreadFactory("bench-listener-handler", true));
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + load.gatewayHeap(), "-XX:+ExitOnOutOfMemoryError"));
        if (gatewayJvmOptions != null) {
            jvmOptions.addAll(gatewayJvmOptions);
        }
        try (GatewayProcess gateway = GatewayProcess.start(
                () -> new GatewaySetup(GatewaySetup.LOAD_ENTITY_PREFIX, load.entities(), IntegrityLoad.limits(load)),
                jvmOptions)) {
            SslContext clientSsl = tls ? SslContexts.forClient(DevDefaults.caCertificatePem(gateway.dataDirectory()))
                    : null;
            List<String> notes = new ArrayList<>();
            Map<String, Double> figures = IntegrityLoad.run(gateway, load, clientSsl, clientGroup, listenerGroup,
                    handlers, progress, notes);
            progress.done("relay", summary(figures));
            run.add("relay", figures);
            notes.forEach(run::note);
        } finally {
            handlers.shutdownNow();
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            listenerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Optional<NginxProxy> startNginx(EchoServer echo, Endpoints endpoints, LoadParameters load, BenchResults run)
            throws InterruptedException {
        if (noNginx) {
            run.note("nginx: skipped (--no-nginx)");
            return Optional.empty();
        }
        Optional<Path> executable = NginxProxy.executable();
        if (executable.isEmpty()) {
            run.note("nginx: not installed, no baseline");
            return Optional.empty();
        }
        try {
            Path tlsDirectory = endpoints.serverCertificate;
            return Optional.of(NginxProxy.start(executable.get(), echo.port(),
                    tlsDirectory == null ? null : tlsDirectory.resolve("server.pem"),
                    tlsDirectory == null ? null : tlsDirectory.resolve("server-key.pem"),
                    Math.max(load.connections(), load.inFlight())));
        } catch (IOException e) {
            run.note("nginx: could not start (" + e.getMessage() + "), no baseline");
            return Optional.empty();
        }
    }

    /**
     * Where and how each target is reached.
     *
     * @param serverCertificate the directory of the echo server's certificate (and of nginx's), null when plain
     * @param echoCa the CA certificate of the echo server's, null when plain
     * @param relayCa the CA certificate of the gateway, null for the system's trust
     * @param temporaryEchoCa whether the echo server's CA was made for this run (deleted after it)
     */
    private record Endpoints(RelayEndpoint relay, TokenProvider tokens, SslContext relaySsl, SslContext serverSsl,
                             SslContext echoClientSsl, Path serverCertificate, Path echoCa, Path relayCa,
                             boolean temporaryEchoCa) {
    }

    private Endpoints endpoints(BenchGateway gateway) throws IOException {
        RelayEndpoint relay;
        TokenProvider tokens;
        Path relayCa;
        DevCertificateAuthority echoCa = null;
        if (gateway != null) {
            int port = tls ? gateway.tlsPort() : gateway.plainPort();
            relay = new RelayEndpoint(tls, "127.0.0.1", port, GatewaySetup.ENTITY);
            tokens = GatewaySetup.TOKENS;
            relayCa = gateway.caCertificatePem();
            if (gateway instanceof LocalGateway local) {
                echoCa = local.server().certificateAuthority();
            }
        } else {
            ConnectionString parsed;
            try {
                parsed = ConnectionString.parse(connectionString);
                relay = RelayEndpoint.of(parsed);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("invalid connection string: " + e.getMessage(), e);
            }
            tokens = parsed.hasCredentials() ? TokenProvider.of(parsed) : null;
            relayCa = ca;
        }
        if (!tls) {
            return new Endpoints(relay, tokens, null, null, null, null, null, relayCa, false);
        }
        SslContext relaySsl = relayCa != null ? SslContexts.forClient(relayCa) : SslContexts.forClientWithSystemTrust();
        boolean temporary = echoCa == null;
        if (temporary) {
            echoCa = DevCertificateAuthority.loadOrCreate(Files.createTempDirectory(ECHO_CA_DIRECTORY_PREFIX),
                    List.of("localhost"), List.of("127.0.0.1"));
        }
        return new Endpoints(relay, tokens, relaySsl, echoCa.newServerSslContext(),
                SslContexts.forClient(echoCa.caCertificatePem()), echoCa.caCertificatePem().getParent(),
                echoCa.caCertificatePem(), relayCa, temporary);
    }

    private Map<String, Object> describe(LoadParameters load) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        switch (scenario) {
            case "throughput" -> {
                parameters.put("connections", load.connections());
                parameters.put("size", load.size());
                parameters.put("window", load.window());
            }
            case "latency" -> {
                parameters.put("connections", load.connections());
                parameters.put("size", load.size());
            }
            case "connect-rate" -> {
                parameters.put("inFlight", load.inFlight());
                parameters.put("size", load.size());
            }
            default -> {
                parameters.put("pairs", load.connections());
                parameters.put("listeners", load.connections());
                parameters.put("inFlight", load.inFlight());
            }
        }
        if (!scenario.equals("idle")) {
            parameters.put("listeners", load.listeners());
            parameters.put("warmup", load.warmup().toString());
            parameters.put("duration", load.duration().toString());
        }
        parameters.put("tls", tls);
        parameters.put("gateway", clusterNodes != null ? "cluster"
                : scenario.equals("idle") || gatewayProcess ? "process"
                : connectionString == null ? "in-process" : "external");
        if (clusterNodes != null) {
            parameters.put("clusterNodes", clusterNodes);
            parameters.put("rounds", clusterRounds());
        }
        if (gatewayTransport != null) {
            parameters.put("gatewayTransport", gatewayTransport);
        }
        parameters.put("clientThreads", clientThreads);
        parameters.put("echoThreads", echoThreads);
        return parameters;
    }

    static String summary(Map<String, Double> figures) {
        StringBuilder text = new StringBuilder();
        figures.forEach((name, value) -> text.append(text.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%.2f %s", value, name)));
        return text.toString();
    }

    /** {@code 20s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration. */
    static Duration duration(String option, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt")) {
                return Duration.parse(value);
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
        } catch (RuntimeException e) {
            // Reported below with what was expected.
        }
        throw new IllegalArgumentException(option + ": " + text
                + " (expected: a duration such as 20s, 500ms, 2m or PT20S)");
    }
}
