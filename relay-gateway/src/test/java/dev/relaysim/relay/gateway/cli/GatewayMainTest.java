package dev.relaysim.relay.gateway.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.EmbeddedPortBlocks;
import dev.relaysim.relay.gateway.config.GatewaySettings;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.Setting;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayMainTest {

    @Test
    void configurationErrorsPrintOneLineAndExit2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayMain main = new GatewayMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

        int exitCode = new CommandLine(main).execute("--tls-port", "70000");

        assertThat(exitCode).isEqualTo(2);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains("70000").contains("expected").endsWith(System.lineSeparator());
        assertThat(message.strip()).doesNotContain("\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aDataDirectoryThatCannotBeMadeSaysWhy(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("not-a-directory"), "x");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayMain main = new GatewayMain(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

        int exitCode = new CommandLine(main).execute("--data-dir", file.toString(), "--tls-port", "0",
                "--plain-port", "0", "--no-management", "--no-dns");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("gateway: cannot start: " + file)
                .containsIgnoringCase("not a directory");
    }

    @Test
    void aBadLogFormatNamesTheOptionOrTheVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int fromFlag = new CommandLine(new GatewayMain(out, errStream, Map.of())).execute("--log-format", "xml");
        int fromEnvironment = new CommandLine(new GatewayMain(out, errStream,
                Map.of(GatewayMain.LOG_FORMAT_ENV, "yaml"))).execute();

        assertThat(fromFlag).isEqualTo(2);
        assertThat(fromEnvironment).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "--log-format: \"xml\" (expected: text or json)",
                "RELAYSIM_LOG_FORMAT: \"yaml\" (expected: text or json)");
    }

    @Test
    void aBrokenNetworkStateFileInTheDataDirectoryStopsTheStart(@TempDir Path dataDirectory) throws Exception {
        Path stateFile = dataDirectory.resolve(NetworkStateFile.FILE_NAME);
        Files.writeString(stateFile, "{\"version\": 1, \"virtualNetworks\": []}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayMain main = new GatewayMain(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

        int exitCode = new CommandLine(main).execute("--data-dir", dataDirectory.toString(), "--tls-port", "0",
                "--plain-port", "0", "--rendezvous-ports", EmbeddedPortBlocks.random(10).toString(), "--no-management",
                "--no-dns");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("gateway: cannot start: " + stateFile
                + ": the document: missing field \"namespaces\"; the gateway does not start rather than drop the "
                + "management changes saved there (fix the file, or delete it to start from the configuration alone)");
    }

    @Test
    void mapsOptionsToConfigurationFlags() {
        GatewayMain main = new GatewayMain(System.out, System.err, Map.of());
        new CommandLine(main).parseArgs("--bind-address", "0.0.0.0", "--tls-port", "0", "--no-plain",
                "--rendezvous-ports", "9400-9409", "--rendezvous-timeout", "5s", "--max-message-size", "1MiB");

        assertThat(main.flags()).containsExactly(
                Map.entry("bind-address", "0.0.0.0"),
                Map.entry("tls-port", "0"),
                Map.entry("plain", "false"),
                Map.entry("rendezvous-ports", "9400-9409"),
                Map.entry("rendezvous-timeout", "5s"),
                Map.entry("max-message-size", "1MiB"));
    }

    @Test
    void limitOptionsReachTheConfiguration() throws Exception {
        GatewayMain main = new GatewayMain(System.out, System.err, Map.of());
        new CommandLine(main).parseArgs("--max-connections-per-source", "3", "--max-pending-rendezvous-per-entity",
                "2", "--max-relayed-connections-per-namespace", "4");

        assertThat(ConfigLoader.load(null, main.flags(), Map.of()).limits()).isEqualTo(new LimitSettings(3, 2, 4));
    }

    @Test
    @Timeout(60)
    void bannerShowsEndpointsTrustAndConnectionStrings() {
        try (TestGateway gw = TestGateway.builder().start()) {
            String banner = GatewayBanner.render(gw.config(), gw.addresses(), gw.server().certificateAuthority());

            int tls = gw.addresses().tlsPort();
            int plain = gw.addresses().plainPort();
            assertThat(banner)
                    .contains("wss://localhost:" + tls)
                    .contains("ws://localhost:" + plain)
                    .contains(gw.addresses().rendezvous().get(0).getPort() + "-")
                    .contains("NODE_EXTRA_CA_CERTS=" + gw.server().certificateAuthority().caCertificatePem())
                    .contains("-Djavax.net.ssl.trustStore=" + gw.server().certificateAuthority().truststore())
                    .contains("Endpoint=sb://localhost:" + tls + "/;SharedAccessKeyName=RootManageSharedAccessKey;"
                            + "SharedAccessKey=" + TestGateway.KEY + ";EntityPath=echo")
                    .contains("Endpoint=sb://localhost:" + tls + "/;SharedAccessKeyName=send-only;SharedAccessKey="
                            + TestGateway.SEND_KEY + ";EntityPath=orders/eu")
                    .contains("Endpoint=sb://contoso.servicebus.windows.net:" + tls + "/")
                    // sb:// means TLS to every SDK, so the plain front end gets no connection strings
                    .doesNotContain("Endpoint=sb://localhost:" + plain + "/");
        }
    }

    @Test
    void checkPrintsTheDefaultSettingsAndBindsNothing() {
        Run run = run(Map.of(), "--check");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines().findFirst()).hasValue("configuration valid: the embedded defaults");
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line.split(" +"))
                .containsExactly("listen.tls.port", "9443", "default"));
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line.split(" +"))
                .containsExactly("protocol.tokenExpiryGrace", "5m", "default"));
        assertThat(run.out().lines()).anySatisfy(line -> assertThat(line.split(" +"))
                .containsExactly("listen.advertised.host", "(the", "address", "a", "client", "reached)", "default"));
        assertThat(run.out()).contains("namespaces: sandbox, contoso; virtual networks: vnet1");
        for (Setting<?> setting : GatewaySettings.ALL) {
            assertThat(run.out()).as("a line for %s", setting.path()).contains(setting.path() + ' ');
        }
    }

    @Test
    void checkShowsAFlagAsTheSourceOverTheEnvironmentAndTheFile(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("gateway.json"),
                "{\"protocol\": {\"responseTimeout\": \"2m\", \"tokenExpiryGrace\": \"1m\"}}");

        Run run = run(Map.of("RELAYSIM_TOKEN_EXPIRY_GRACE", "90s", "RELAYSIM_TLS_PORT", "8443"), "--check",
                "--config", file.toString(), "--tls-port", "0", "--no-dns", "--max-message-size", "1MiB");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst()).hasValue("configuration valid: " + file.toAbsolutePath());
        assertThat(run.out().lines().map(line -> List.of(line.split(" +")))).contains(
                List.of("listen.tls.port", "0", "flag", "--tls-port"),
                List.of("dns.enabled", "false", "flag", "--no-dns"),
                List.of("protocol.maxMessageSize", "1048576", "flag", "--max-message-size"),
                List.of("protocol.tokenExpiryGrace", "90s", "env", "RELAYSIM_TOKEN_EXPIRY_GRACE"),
                List.of("protocol.responseTimeout", "2m", "file"),
                List.of("protocol.handshakeTimeout", "10s", "default"));
    }

    @Test
    void checkOfABrokenFileNamesTheValueAndExits2(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("gateway.json"), "{\"listen\": {\"tls\": {\"port\": -1}}}");

        Run run = run(Map.of(), "--check", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("listen.tls.port: -1 (expected: 0-65535, 0 for an ephemeral port)");
    }

    @Test
    void checkOfABadEnvironmentVariableNamesIt() {
        Run run = run(Map.of("RELAYSIM_RENDEZVOUS_TIMEOUT", "soon"), "--check");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("protocol.rendezvousTimeout (from environment variable "
                + "RELAYSIM_RENDEZVOUS_TIMEOUT): \"soon\" (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S)");
    }

    @Test
    void helpListsEveryDeclaredFlagWithItsHelpLine() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        String help = run.out().replaceAll("\\s+", " ");
        for (Setting<?> setting : GatewaySettings.withFlags()) {
            assertThat(help).contains(setting.option().orElseThrow()).contains(setting.help().replaceAll("\\s+", " "));
        }
        assertThat(help).contains("--tls-port=PORT").contains("(default: 9443; $RELAYSIM_TLS_PORT)")
                .contains("--no-tls").contains("($RELAYSIM_TLS=false)").contains("--check");
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayMain main = new GatewayMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDaemonTurnsNettysLeakDetectorOffUnlessTheCommandLineChoseALevel() {
        assertThat(GatewayMain.leakDetectionLevel(name -> null)).contains(ResourceLeakDetector.Level.DISABLED);
        assertThat(GatewayMain.leakDetectionLevel(Map.of("io.netty.leakDetection.level", "paranoid")::get)).isEmpty();
        assertThat(GatewayMain.leakDetectionLevel(Map.of("io.netty.leakDetectionLevel", "simple")::get)).isEmpty();
    }

    @Test
    void theDaemonReturnsFreedHeapEagerlyUnlessTheCommandLineSaysOtherwise() {
        Map<String, VMOption> options = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        options.put("MinHeapFreeRatio", new VMOption("MinHeapFreeRatio", "40", true, VMOption.Origin.DEFAULT));
        options.put("MaxHeapFreeRatio", new VMOption("MaxHeapFreeRatio", "70", true, VMOption.Origin.DEFAULT));
        GatewayMain.returnFreedHeapEagerly(hotspot(options, changes));
        assertThat(changes).as("the minimum first: it must never exceed the maximum")
                .containsExactly("MinHeapFreeRatio=5", "MaxHeapFreeRatio=10");

        changes.clear();
        options.put("MaxHeapFreeRatio", new VMOption("MaxHeapFreeRatio", "50", true, VMOption.Origin.VM_CREATION));
        GatewayMain.returnFreedHeapEagerly(hotspot(options, changes));
        assertThat(changes).isEmpty();
    }

    /** A HotSpot diagnostic bean over {@code options} that records each change. */
    private static HotSpotDiagnosticMXBean hotspot(Map<String, VMOption> options, List<String> changes) {
        return (HotSpotDiagnosticMXBean) Proxy.newProxyInstance(GatewayMainTest.class.getClassLoader(),
                new Class<?>[] {HotSpotDiagnosticMXBean.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getVMOption" -> options.get((String) args[0]);
                    case "setVMOption" -> changes.add(args[0] + "=" + args[1]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
