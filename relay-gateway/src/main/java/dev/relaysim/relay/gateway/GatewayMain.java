package dev.relaysim.relay.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.FileErrors;
import dev.relaysim.relay.gateway.config.ConfigException;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.netns.NetnsGateway;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code gateway} command: loads the configuration (flags over {@code RELAYSIM_*} environment variables over
 * the file over the embedded defaults), starts the gateway, prints the banner and runs until the JVM is stopped;
 * a shutdown hook closes the gateway gracefully. Exit codes: 2 for a configuration error (its one-line message
 * on stderr), 1 when the gateway cannot start.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the relaysim gateway: a local Azure Relay Hybrid Connections data plane.")
public final class GatewayMain implements Callable<Integer> {

    static final int CONFIG_ERROR = 2;
    static final int START_ERROR = 1;
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";
    static final String LOG_FORMAT_ENV = "RELAYSIM_LOG_FORMAT";
    /** The logback configuration of {@code --log-format json}. */
    static final String JSON_LOGGING = "dev/relaysim/relay/gateway/logback-json.xml";

    @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file")
    private Path config;
    @Option(names = "--netns", description = "each virtual network as a Linux network namespace (root): Azure's "
            + "documented addresses, TLS on 443; programs run inside with ./relaysim vnet run -- COMMAND")
    private boolean netns;
    @Option(names = "--bind-address", paramLabel = "ADDRESS", description = "local address of every port (default 127.0.0.1)")
    private String bindAddress;
    @Option(names = "--tls-port", paramLabel = "PORT", description = "TLS front end port (default 9443, 0 = any)")
    private String tlsPort;
    @Option(names = "--plain-port", paramLabel = "PORT", description = "plain front end port (default 9080, 0 = any)")
    private String plainPort;
    @Option(names = "--no-tls", description = "disable the TLS front end")
    private boolean noTls;
    @Option(names = "--no-plain", description = "disable the plain front end")
    private boolean noPlain;
    @Option(names = "--rendezvous-ports", paramLabel = "FIRST-LAST", description = "rendezvous ports (default 9400-9599)")
    private String rendezvousPorts;
    @Option(names = "--management-port", paramLabel = "PORT",
            description = "management HTTP port: /health, /metrics (default 9390, 0 = any)")
    private String managementPort;
    @Option(names = "--no-management", description = "disable the management HTTP server")
    private boolean noManagement;
    @Option(names = "--management-admin-key", paramLabel = "KEY",
            description = "key of the management API (Authorization: Bearer KEY; default relaysim-dev-admin-key)")
    private String managementAdminKey;
    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "host clients use, in accept addresses, the banner, DNS and the certificate (default: the "
                    + "address a client reached; in a container: localhost)")
    private String advertisedHost;
    @Option(names = "--advertised-tls-port", paramLabel = "PORT", description = "published TLS port (default: the bound one)")
    private String advertisedTlsPort;
    @Option(names = "--advertised-plain-port", paramLabel = "PORT",
            description = "published plain port (default: the bound one)")
    private String advertisedPlainPort;
    @Option(names = "--advertised-rendezvous-ports", paramLabel = "PORTS",
            description = "published rendezvous ports of g0..gN, e.g. 9400-9599 or 32768,32771 (default: the bound ones)")
    private String advertisedRendezvousPorts;
    @Option(names = "--dns-port", paramLabel = "PORT",
            description = "split-horizon DNS responder port, UDP and TCP (default 1053, 0 = any)")
    private String dnsPort;
    @Option(names = "--dns-bind-address", paramLabel = "ADDRESS",
            description = "local address of the DNS responder (default 127.0.0.1)")
    private String dnsBindAddress;
    @Option(names = "--no-dns", description = "disable the DNS responder")
    private boolean noDns;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the development CA is kept (default ~/.relaysim); "
            + "given explicitly, management API changes are saved there and restored at start")
    private String dataDir;
    @Option(names = "--default-namespace", paramLabel = "NAME", description = "namespace for localhost and IP literals")
    private String defaultNamespace;
    @Option(names = "--rendezvous-timeout", paramLabel = "DURATION", description = "e.g. 30s or PT30S")
    private String rendezvousTimeout;
    @Option(names = "--handshake-timeout", paramLabel = "DURATION", description = "e.g. 10s")
    private String handshakeTimeout;
    @Option(names = "--max-message-size", paramLabel = "SIZE", description = "e.g. 16MiB")
    private String maxMessageSize;
    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", description = "e.g. 5s")
    private String shutdownTimeout;
    @Option(names = "--response-timeout", paramLabel = "DURATION", description = "HTTP senders get 504 after it (default 60s)")
    private String responseTimeout;
    @Option(names = "--token-expiry-grace", paramLabel = "DURATION",
            description = "control channels close 1008 this long after an unrenewed token expired (default 5m)")
    private String tokenExpiryGrace;
    @Option(names = "--max-connections-per-source", paramLabel = "N",
            description = "open connections from one source address; beyond: 429 (default 10000)")
    private String maxConnectionsPerSource;
    @Option(names = "--max-pending-rendezvous-per-entity", paramLabel = "N",
            description = "senders waiting for an accept per hybrid connection; beyond: 429 (default 1000)")
    private String maxPendingRendezvousPerEntity;
    @Option(names = "--max-relayed-connections-per-namespace", paramLabel = "N",
            description = "relayed connections and waiting senders per namespace; beyond: 403 (default 5000)")
    private String maxRelayedConnectionsPerNamespace;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text, or json: one JSON object per line on stdout, the banner then goes to stderr "
                    + "(default: $" + LOG_FORMAT_ENV + ", else text)")
    private String logFormat;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    GatewayMain(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static void main(String[] args) {
        returnFreedHeapEagerly(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class));
        GatewayMain command = new GatewayMain(System.out, System.err, System.getenv());
        int exitCode = Cli.execute(command, args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /**
     * Makes the JVM give freed heap back to the system soon (at most 10 % of the heap free after a collection, instead
     * of 70 %), unless the command line set {@code MinHeapFreeRatio} or {@code MaxHeapFreeRatio}: the heap grows while
     * thousands of connections are set up, and an idle gateway then held the garbage's pages (measured with
     * {@code ./relaysim bench idle --connections 5000}: 17.6 KB resident per idle pair, 9.8 KB with these ratios, the
     * same 8 KB of live heap). Both flags can be changed at run time; the minimum goes first, as it must stay the
     * lower.
     */
    static void returnFreedHeapEagerly(HotSpotDiagnosticMXBean hotspot) {
        if (hotspot.getVMOption("MinHeapFreeRatio").getOrigin() != VMOption.Origin.DEFAULT
                || hotspot.getVMOption("MaxHeapFreeRatio").getOrigin() != VMOption.Origin.DEFAULT) {
            return;
        }
        hotspot.setVMOption("MinHeapFreeRatio", "5");
        hotspot.setVMOption("MaxHeapFreeRatio", "10");
    }

    @Override
    public Integer call() throws InterruptedException {
        boolean jsonLog;
        try {
            jsonLog = jsonLogFormat();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return CONFIG_ERROR;
        }
        if (jsonLog && System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, JSON_LOGGING);
        }
        PrintStream bannerOut = jsonLog ? err : out;
        if (netns) {
            Optional<String> unsupported = NetnsGateway.unsupportedReason();
            if (unsupported.isPresent()) {
                err.println("gateway --netns: " + unsupported.get()
                        + "; without --netns the gateway runs in the loopback stand-in mode");
                return CONFIG_ERROR;
            }
        }
        GatewayConfig gatewayConfig;
        try {
            gatewayConfig = ConfigLoader.load(config, flags(), environment,
                    netns ? ConfigLoader.Embedded.NETNS : ConfigLoader.Embedded.LOOPBACK);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return CONFIG_ERROR;
        }
        if (netns) {
            return runInNamespaces(gatewayConfig, bannerOut);
        }
        GatewayServer server = new GatewayServer(gatewayConfig);
        GatewayAddresses addresses;
        try {
            addresses = server.start();
        } catch (IOException | RuntimeException e) {
            err.println("gateway: cannot start: " + FileErrors.describe(e));
            return START_ERROR;
        }
        return serveUntilStopped(server, GatewayBanner.render(gatewayConfig, addresses, server.certificateAuthority()),
                bannerOut);
    }

    /** {@code --netns}: the gateway with its virtual networks as network namespaces, until the JVM stops. */
    private int runInNamespaces(GatewayConfig gatewayConfig, PrintStream bannerOut) throws InterruptedException {
        NetnsGateway gateway;
        GatewayAddresses addresses;
        try {
            gateway = NetnsGateway.create(gatewayConfig, environment);
            addresses = gateway.start();
        } catch (IOException | RuntimeException e) {
            err.println("gateway --netns: cannot start: " + FileErrors.describe(e));
            return START_ERROR;
        }
        return serveUntilStopped(gateway, GatewayBanner.render(gatewayConfig, addresses,
                gateway.server().certificateAuthority(), gateway.vnets()), bannerOut);
    }

    /**
     * Prints the banner (on standard error when the log is JSON on standard output) and waits until the JVM stops; a
     * shutdown hook closes {@code gateway} gracefully.
     */
    private int serveUntilStopped(AutoCloseable gateway, String banner, PrintStream bannerOut)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (Exception e) {
                err.println("gateway: " + e.getMessage());
            }
            stopped.countDown();
        }, "relaysim-gateway-shutdown"));
        bannerOut.println(banner);
        bannerOut.flush();
        stopped.await();
        return 0;
    }

    /**
     * Whether the log is JSON: {@code --log-format}, else {@value #LOG_FORMAT_ENV}, else text. Decided before anything
     * logs, as logback reads its configuration once.
     */
    private boolean jsonLogFormat() {
        String source = logFormat != null ? "--log-format" : LOG_FORMAT_ENV;
        String format = logFormat != null ? logFormat : environment.getOrDefault(LOG_FORMAT_ENV, "");
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "", "text" -> false;
            case "json" -> true;
            default -> throw new IllegalArgumentException(source + ": \"" + format + "\" (expected: text or json)");
        };
    }

    /** The flags given on the command line, by their configuration names. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "bind-address", bindAddress);
        put(flags, "tls-port", tlsPort);
        put(flags, "plain-port", plainPort);
        if (noTls) {
            flags.put("tls", "false");
        }
        if (noPlain) {
            flags.put("plain", "false");
        }
        put(flags, "rendezvous-ports", rendezvousPorts);
        put(flags, "management-port", managementPort);
        put(flags, "management-admin-key", managementAdminKey);
        put(flags, "advertised-host", advertisedHost);
        put(flags, "advertised-tls-port", advertisedTlsPort);
        put(flags, "advertised-plain-port", advertisedPlainPort);
        put(flags, "advertised-rendezvous-ports", advertisedRendezvousPorts);
        if (noManagement) {
            flags.put("management", "false");
        }
        put(flags, "dns-port", dnsPort);
        put(flags, "dns-bind-address", dnsBindAddress);
        if (noDns) {
            flags.put("dns", "false");
        }
        put(flags, "data-dir", dataDir);
        put(flags, "default-namespace", defaultNamespace);
        put(flags, "rendezvous-timeout", rendezvousTimeout);
        put(flags, "handshake-timeout", handshakeTimeout);
        put(flags, "max-message-size", maxMessageSize);
        put(flags, "shutdown-timeout", shutdownTimeout);
        put(flags, "response-timeout", responseTimeout);
        put(flags, "token-expiry-grace", tokenExpiryGrace);
        put(flags, "max-connections-per-source", maxConnectionsPerSource);
        put(flags, "max-pending-rendezvous-per-entity", maxPendingRendezvousPerEntity);
        put(flags, "max-relayed-connections-per-namespace", maxRelayedConnectionsPerNamespace);
        return flags;
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }
}
