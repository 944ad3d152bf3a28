package dev.relaysim.relay.sender.netns;

import dev.relaysim.relay.gateway.cli.GatewayMain;
import dev.relaysim.relay.gateway.internal.netns.VnetMain;
import dev.relaysim.relay.sender.faults.ChildJvm;
import dev.relaysim.relay.sender.probe.ProbeMain;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One test run's network namespaces. The gateway runs in a namespace of its own ({@code <prefix>host}, with
 * loopback and a {@code resolv.conf} naming the gateway's responder on 127.0.0.1:53) that plays the host, so that
 * its 127.0.0.1:443, 9390 and 9400-9599, and its 10.0.0.4, never meet a user's gateway on this machine; the prefix
 * {@code relaysim-t<random>-} keeps the namespace names apart from a user's {@code relaysim-<vnet>} and from other
 * runs. {@code nsenter --net} (not {@code ip netns exec}, whose private mount namespace would hide the namespaces
 * the gateway mounts under {@code /run/netns}) puts the gateway there.
 */
final class NetnsHarness implements AutoCloseable {

    static final String CONNECTION_STRING = "Endpoint=sb://contoso.servicebus.windows.net/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;"
            + "SharedAccessKey=cmVsYXlzaW0tZGV2LWtleS1kby1ub3QtdXNlLXByb2Q=;EntityPath=echo";
    static final String ADMIN_KEY = "relaysim-dev-admin-key";
    /** The public endpoint's refusal (401) while public network access is Disabled or no IP rule admits the source. */
    static final String IP_REFUSED = "Ip has been prevented to connect to the endpoint.";
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** A line of {@code ip -4 -o addr show} for an address on a veth host end. */
    private static final Pattern HOST_END_ADDRESS = Pattern.compile("^\\d+: (rs[0-9a-f]{8})\\s+inet (\\S+)");

    /** A finished command: its exit code and its output (standard error merged). */
    record Result(int exitCode, String output) {
    }

    final String prefix;
    final String hostNamespace;
    final Path directory;
    private final Path stateDirectory;

    private NetnsHarness(String prefix, Path directory) {
        this.prefix = prefix;
        this.hostNamespace = prefix + "host";
        this.directory = directory;
        this.stateDirectory = directory.resolve("state");
    }

    /**
     * Skips the calling test where network namespaces cannot be made (saying why), or fails under CI, which runs as
     * root with the tools installed ({@code .ci/run}).
     */
    static void assumeNamespacesWork() {
        String reason = null;
        if (!System.getProperty("os.name", "").equalsIgnoreCase("Linux")) {
            reason = "network namespaces need Linux";
        } else if (!isRoot()) {
            reason = "network namespaces need root";
        } else {
            for (String tool : List.of("ip", "nsenter", "setpriv", "nslookup", "curl")) {
                if (!onPath(tool)) {
                    reason = "'" + tool + "' is not installed (Debian: iproute2, util-linux, dnsutils, curl)";
                    break;
                }
            }
        }
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI runs as root with .ci/run's packages: these tests must run)");
            }
            Assumptions.abort(reason);
        }
    }

    /** Makes the host namespace of a new run. */
    static NetnsHarness create() throws IOException {
        String run = String.format(Locale.ROOT, "%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        NetnsHarness harness = new NetnsHarness("relaysim-t" + run + "-",
                Path.of("target", "netns", run).toAbsolutePath());
        Files.createDirectories(harness.directory);
        harness.require(List.of("ip", "netns", "add", harness.hostNamespace));
        harness.require(List.of("ip", "-n", harness.hostNamespace, "link", "set", "lo", "up"));
        Path etc = Path.of("/etc/netns", harness.hostNamespace);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
        return harness;
    }

    /** {@code gateway --netns} in the host namespace, on the embedded netns config (overlaid by {@code args}). */
    ChildJvm startGateway(String... args) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--netns", "--data-dir", directory.resolve("data").toString(),
                "--dns-port", "53"));
        arguments.addAll(Arrays.asList(args));
        ChildJvm gateway = ChildJvm.start(List.of("nsenter", "--net=/run/netns/" + hostNamespace), environment(),
                GatewayMain.class, arguments.toArray(String[]::new));
        gateway.awaitLine(line -> line.startsWith("Virtual networks"), START_TIMEOUT);
        return gateway;
    }

    /** What names and records this run's namespaces: {@code RELAYSIM_NETNS_PREFIX} and {@code RELAYSIM_NETNS_DIR}. */
    Map<String, String> environment() {
        return Map.of("RELAYSIM_NETNS_PREFIX", prefix, "RELAYSIM_NETNS_DIR", stateDirectory.toString());
    }

    /**
     * {@code ./relaysim vnet run --vnet <vnet> --} as a command prefix (the launcher's java command), on the host
     * namespace like the gateway (where {@code --address} adds its machine's veth pair).
     */
    List<String> vnetRun(String vnet) {
        return List.of("nsenter", "--net=/run/netns/" + hostNamespace, java(), "-cp",
                System.getProperty("java.class.path"), VnetMain.class.getName(), "run",
                "--vnet", vnet, "--");
    }

    /** {@code ./relaysim vnet run --vnet <vnet> --address <address> --}: as another machine of the network. */
    List<String> vnetRun(String vnet, String address) {
        List<String> command = new ArrayList<>(vnetRun(vnet));
        command.addAll(command.size() - 1, List.of("--address", address));
        return command;
    }

    /** {@code ip netns exec <host namespace>} as a command prefix: a program on "the internet". */
    List<String> onHost() {
        return List.of("ip", "netns", "exec", hostNamespace);
    }

    /** Runs {@code prefix + command} with {@link #environment()} and waits for it. */
    Result run(List<String> prefix, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(prefix);
        line.addAll(Arrays.asList(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(line + " did not end within " + COMMAND_TIMEOUT + "; output: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /**
     * {@code ./relaysim vnet run --vnet <vnet> -- ./relaysim probe --connection-string <the real one> <options>} (the
     * probe's java command).
     */
    Result probe(String vnet, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                ProbeMain.class.getName(), "--connection-string", CONNECTION_STRING));
        command.addAll(Arrays.asList(options));
        return run(vnetRun(vnet), command.toArray(String[]::new));
    }

    /**
     * {@code curl} of a connect request without a token to {@code contoso.servicebus.windows.net} on 443 (the network
     * rules answer it before the token is looked at); the output ends with a line of the HTTP status.
     */
    Result connectWithoutToken(List<String> prefix, String... curlOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}"));
        command.addAll(Arrays.asList(curlOptions));
        command.add("https://contoso.servicebus.windows.net/$hc/echo?sb-hc-action=connect");
        return run(prefix, command.toArray(String[]::new));
    }

    /** A call of the gateway's management API (admin key) from the host namespace; its response body. */
    String management(String method, String path, String body) throws IOException, InterruptedException {
        Result result = run(onHost(), "curl", "-sS", "--fail-with-body", "-X", method, "-H",
                "Authorization: Bearer " + ADMIN_KEY, "-H", "Content-Type: application/json", "-d", body,
                "http://127.0.0.1:9390" + path);
        if (result.exitCode() != 0) {
            throw new AssertionError(method + ' ' + path + " failed: " + result.output());
        }
        return result.output();
    }

    /**
     * What of this run's virtual networks exists on the machine: namespaces (but the host one), veth host ends and
     * the IPv4 addresses on them in the host namespace, {@code /etc/netns} directories, owner marks and
     * {@code vnets.json}.
     */
    List<String> leftovers() throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        for (String line : run(List.of(), "ip", "netns", "list").output().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix) && !name.equals(hostNamespace)) {
                found.add("namespace " + name);
            }
        }
        for (String line : run(List.of(), "ip", "-n", hostNamespace, "-o", "link", "show").output().split("\n")) {
            if (line.matches("\\d+: rs[0-9a-f]{8}@.*")) {
                found.add("interface " + line.split(":")[1].strip());
            }
        }
        for (String line : run(List.of(), "ip", "-n", hostNamespace, "-4", "-o", "addr", "show").output().split("\n")) {
            Matcher address = HOST_END_ADDRESS.matcher(line);
            if (address.find()) {
                found.add("address " + address.group(2) + " on " + address.group(1));
            }
        }
        try (Stream<Path> etc = Files.list(Path.of("/etc/netns"))) {
            etc.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(prefix) && !name.equals(hostNamespace))
                    .forEach(name -> found.add("/etc/netns/" + name));
        }
        if (Files.isDirectory(stateDirectory)) {
            try (Stream<Path> state = Files.list(stateDirectory)) {
                state.map(path -> path.getFileName().toString())
                        .filter(name -> name.endsWith(".owner") || name.equals("vnets.json"))
                        .forEach(name -> found.add(stateDirectory.resolve(name).toString()));
            }
        }
        return found;
    }

    /** Removes the host namespace and anything of this run a failed test left. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (String line : run(List.of(), "ip", "netns", "list").output().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) {
                run(List.of(), "ip", "netns", "del", name);
            }
        }
        try (Stream<Path> etc = Files.list(Path.of("/etc/netns"))) {
            for (Path path : etc.filter(path -> path.getFileName().toString().startsWith(prefix)).toList()) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    private void require(List<String> command) throws IOException {
        try {
            Result result = run(List.of(), command.toArray(String[]::new));
            if (result.exitCode() != 0) {
                throw new IOException(command + ": " + result.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(command + ": interrupted", e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, executable))) {
                return true;
            }
        }
        return false;
    }
}
