package dev.relaysim.relay.standalone;

import dev.relaysim.relay.gateway.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged {@code relaysim-VERSION-standalone.jar} and distribution archive, run as a user would: in a child
 * process, from a temporary directory, with nothing but a Java runtime. Gateways bind 127.0.4.x (this module's block)
 * with ephemeral front-end and management ports, never the defaults, on a config without the default config's private
 * endpoint (whose address, 127.10.0.4, the user's own gateway binds).
 */
@Timeout(180)
class StandaloneJarIT {

    private static final Path JAR = Path.of(System.getProperty("relaysim.standalone.jar"));
    private static final Path DIST = Path.of(System.getProperty("relaysim.dist.archive"));
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern TLS_ENDPOINT = Pattern.compile("TLS front end {4}wss://[^:]+:(\\d+)/");
    private static final Pattern MANAGEMENT = Pattern.compile("management {7}http://[^:]+:(\\d+)/health");
    private static final Pattern CONNECTION_STRING = Pattern.compile("(Endpoint=sb://\\S+;EntityPath=echo)");

    @TempDir
    Path directory;

    @Test
    void helpListsEveryCommandOfTheOneTableAndAnUnknownCommandExitsWith2() throws Exception {
        Files.copy(JAR, directory.resolve(JAR.getFileName()));
        try (ChildProcess help = java(directory, JAR.getFileName(), "--help");
             ChildProcess unknown = java(directory, JAR.getFileName(), "nosuch")) {
            assertThat(help.awaitExit(START)).as("%s", help).isZero();
            for (RelaysimMain.Command command : RelaysimMain.COMMANDS) {
                assertThat(help.output()).contains("  " + command.name() + " ");
            }
            assertThat(unknown.awaitExit(START)).as("%s", unknown).isEqualTo(RelaysimMain.USAGE_ERROR);
            assertThat(unknown.output()).contains("relaysim: unknown command 'nosuch' (expected: one of gateway,");
        }
    }

    @Test
    void theJarRelaysAMessageBetweenItsListenAndSendCommandsFromATemporaryDirectory() throws Exception {
        Path jar = Files.copy(JAR, directory.resolve("relaysim.jar"));
        Path data = directory.resolve("data");
        Path config = sandboxOnlyConfig(directory.resolve("relaysim.json"));
        try (ChildProcess gateway = java(directory, jar, "gateway", "--config", config.toString(),
                "--bind-address", "127.0.4.11",
                "--tls-port", "0", "--plain-port", "0", "--management-port", "0", "--no-dns",
                "--data-dir", data.toString())) {
            String connectionString = awaitBanner(gateway);
            String ca = data.resolve("tls/ca.pem").toString();
            try (ChildProcess listener = java(directory, jar, "listen", "--echo",
                    "--connection-string", connectionString, "--ca", ca)) {
                await().atMost(START).untilAsserted(() ->
                        assertThat(listener.output()).as("%s", listener).contains("listening on "));
                try (ChildProcess sender = java(directory, jar, "send", "--message", "hello from the jar",
                        "--connection-string", connectionString, "--ca", ca)) {
                    assertThat(sender.awaitExit(START)).as("%s", sender).isZero();
                    assertThat(sender.output()).contains("message 1: 18 bytes text, echo matched");
                }
                await().atMost(START).untilAsserted(() ->
                        assertThat(listener.output()).contains("accepted connection "));
            }
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void nettyLoadsEpollAndBoringSslFromTheShadedJar() throws Exception {
        String classes = Path.of(NativeLibrariesCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        try (ChildProcess check = ChildProcess.start(directory, Map.of(), List.of(javaExecutable(), "-cp",
                JAR + java.io.File.pathSeparator + classes, NativeLibrariesCheck.class.getName()))) {
            assertThat(check.awaitExit(START)).as("%s", check).isZero();
            assertThat(check.output()).as("%s", check).contains("epoll=true").contains("openssl=true");
        }
    }

    @Test
    void theDistributionRunsTheGatewayOnItsConfFromAnyDirectory() throws Exception {
        Path unpacked = Files.createDirectories(directory.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", DIST.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Path home;
        try (var entries = Files.list(unpacked)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(home.resolve("conf/relaysim.json")).isRegularFile();
        sandboxOnlyConfig(home.resolve("conf/relaysim.json"));
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("docs")).isDirectory();
        Path elsewhere = Files.createDirectories(directory.resolve("elsewhere"));
        try (ChildProcess gateway = ChildProcess.start(elsewhere, Map.of("RELAYSIM_DATA_DIR", directory.resolve("data")
                        .toString(), "RELAYSIM_BIND_ADDRESS", "127.0.4.12"),
                List.of(home.resolve("bin/relaysim").toString(), "gateway", "--tls-port", "0", "--plain-port", "0",
                        "--management-port", "0", "--no-dns"))) {
            awaitBanner(gateway);
            assertThat(gateway.output()).as("the banner of conf/relaysim.json").doesNotContain("contoso");
            Matcher management = MANAGEMENT.matcher(gateway.output());
            assertThat(management.find()).as("%s", gateway).isTrue();
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.4.12:" + management.group(1);
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ca = client.send(HttpRequest.newBuilder(URI.create(base + "/relaysim/ca.pem")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(ca.body()).isEqualTo(Files.readString(directory.resolve("data/tls/ca.pem")));
        }
    }

    /** {@code java -jar <jar> <arguments>} in {@code directory}, with the JVM running this test. */
    private static ChildProcess java(Path directory, Path jar, String... arguments) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(arguments));
        return ChildProcess.start(directory, Map.of(), command);
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Writes the config with namespace sandbox alone to {@code file}. */
    private static Path sandboxOnlyConfig(Path file) throws Exception {
        try (var in = StandaloneJarIT.class.getResourceAsStream("/sandbox-only.json")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** Waits for the banner and returns the connection string of sandbox/echo (the TLS one). */
    private static String awaitBanner(ChildProcess gateway) {
        await().atMost(START).untilAsserted(() -> assertThat(gateway.output()).as("%s", gateway)
                .contains("relaysim gateway is up").containsPattern(CONNECTION_STRING));
        String output = gateway.output();
        assertThat(TLS_ENDPOINT.matcher(output).find()).as("%s", gateway).isTrue();
        Matcher connectionString = CONNECTION_STRING.matcher(output);
        assertThat(connectionString.find()).isTrue();
        return connectionString.group(1);
    }
}
