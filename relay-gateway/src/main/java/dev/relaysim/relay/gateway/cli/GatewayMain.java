package dev.relaysim.relay.gateway.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.FileErrors;
import dev.relaysim.relay.gateway.config.ConfigException;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.GatewaySettings;
import dev.relaysim.relay.gateway.config.LoadedConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.Setting;
import dev.relaysim.relay.gateway.internal.netns.NetnsGateway;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.GatewayAddresses;

/**
 * The {@code gateway} command: loads the configuration (flags over {@code RELAYSIM_*} environment variables over
 * the file over the embedded defaults), starts the gateway, prints the banner and runs until the JVM is stopped;
 * a shutdown hook closes the gateway gracefully. Exit codes: 2 for a configuration error (its one-line message
 * on stderr), 1 when the gateway cannot start.
 *
 * <p>The setting flags are not fields here: {@link SettingOptions} derives them from {@link GatewaySettings}, with
 * their help lines. {@code --check} validates the configuration and prints the effective settings with their
 * sources instead of starting.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = GatewayMain.SettingOptions.class,
        description = "Runs the relaysim gateway: a local Azure Relay Hybrid Connections data plane.")
public final class GatewayMain implements Callable<Integer> {

    static final int CONFIG_ERROR = 2;
    static final int START_ERROR = 1;
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";
    private static final String LEAK_DETECTION_LEVEL = "io.netty.leakDetection.level";
    private static final String LEGACY_LEAK_DETECTION_LEVEL = "io.netty.leakDetectionLevel";
    static final String LOG_FORMAT_ENV = "RELAYSIM_LOG_FORMAT";
    /** The logback configuration of {@code --log-format json}. */
    static final String JSON_LOGGING = "dev/relaysim/relay/gateway/logback-json.xml";

    @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file")
    private Path config;
    @Option(names = "--netns", description = "each virtual network as a Linux network namespace (root): Azure's "
            + "documented addresses, TLS on 443; programs run inside with ./relaysim vnet run -- COMMAND")
    private boolean netns;
    @Option(names = "--check", description = "validate the configuration and print the effective settings with "
            + "their source (default, file, env or flag), then exit; binds nothing")
    private boolean check;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text, or json: one JSON object per line on stdout, the banner then goes to stderr "
                    + "(default: $" + LOG_FORMAT_ENV + ", else text)")
    private String logFormat;

    @Spec
    private CommandSpec spec;

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
        leakDetectionLevel(System::getProperty).ifPresent(ResourceLeakDetector::setLevel);
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

    /**
     * Netty's leak detector off in the daemon unless the command line chose a level
     * ({@code -Dio.netty.leakDetection.level=...}, or Netty's older {@code io.netty.leakDetectionLevel}): the
     * project's tests run every buffer under the paranoid detector, which fails the build on a leak, while the
     * default sampling here captured a stack trace for one buffer in 128, 1.8 % of the event loops' time under
     * {@code bench connect-rate} (perf, docs/benchmarks.md).
     *
     * @return the level to set, or empty to leave Netty's choice
     */
    static Optional<ResourceLeakDetector.Level> leakDetectionLevel(UnaryOperator<String> systemProperties) {
        if (systemProperties.apply(LEAK_DETECTION_LEVEL) != null
                || systemProperties.apply(LEGACY_LEAK_DETECTION_LEVEL) != null) {
            return Optional.empty();
        }
        return Optional.of(ResourceLeakDetector.Level.DISABLED);
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
        if (check) {
            return check();
        }
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
            gatewayConfig = ConfigLoader.load(config, flags(), environment, embedded());
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

    /** {@code --check}: loads and validates the configuration, prints the effective settings and their sources. */
    private int check() {
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.loadWithSources(config, flags(), environment, embedded());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return CONFIG_ERROR;
        }
        GatewayConfig checked = loaded.config();
        out.println("configuration valid: " + (config != null ? config.toAbsolutePath() : "the embedded defaults")
                + (netns ? " (--netns)" : ""));
        loaded.describe().forEach(out::println);
        out.println("namespaces: " + checked.namespaces().stream().map(NamespaceConfig::name)
                .collect(Collectors.joining(", ")) + "; virtual networks: " + (checked.virtualNetworks().isEmpty()
                ? "none" : checked.virtualNetworks().stream().map(VirtualNetwork::name)
                .collect(Collectors.joining(", "))));
        out.flush();
        return 0;
    }

    private ConfigLoader.Embedded embedded() {
        return netns ? ConfigLoader.Embedded.NETNS : ConfigLoader.Embedded.LOOPBACK;
    }

    /** The flags given on the command line, by their configuration names ({@link Setting#flag()}), in order. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        for (Setting<?> setting : GatewaySettings.withFlags()) {
            Object value = spec.findOption(setting.option().orElseThrow()).getValue();
            if (setting.isSwitch()) {
                if (Boolean.TRUE.equals(value)) {
                    flags.put(setting.flag(), "false");
                }
            } else if (value != null) {
                flags.put(setting.flag(), (String) value);
            }
        }
        return flags;
    }

    /**
     * Adds an option per {@linkplain GatewaySettings declared setting} with a flag: {@code --tls-port PORT}, or the
     * switch {@code --no-tls} for a boolean; the help line is the declaration's, with its default and variable.
     */
    static final class SettingOptions implements CommandLine.IModelTransformer {

        @Override
        public CommandSpec transform(CommandSpec command) {
            for (Setting<?> setting : GatewaySettings.withFlags()) {
                String name = setting.option().orElseThrow();
                OptionSpec.Builder option = OptionSpec.builder(name);
                String variable = "$" + setting.environmentVariable().orElseThrow();
                if (setting.isSwitch()) {
                    option.arity("0").type(boolean.class)
                            .description("disable " + setting.help() + " (" + variable + "=false)");
                } else {
                    option.paramLabel(setting.paramLabel()).type(String.class)
                            .description(setting.help() + " (default: " + setting.defaultText() + "; " + variable
                                    + ")");
                }
                command.addOption(option.build());
            }
            return command;
        }
    }
}
