package dev.relaysim.relay.gateway.testing;

import dev.relaysim.relay.common.node.NodePackages;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Microsoft's Node clients ({@code hyco-ws} 1.0.5, {@code hyco-https} 1.4.5) as independent test
 * peers. {@link #install()} puts them under {@code target/node-clients} with npm on first use,
 * together with the scripts in {@code src/test/resources/node}. Where Node.js is missing the
 * calling test is skipped, saying why; under CI ({@code CI=true}) a missing Node fails instead,
 * since {@code .ci/run} installs it.
 */
public final class NodeClients {

    private static final List<String> SCRIPTS = List.of("package.json", "hyco-ws-listener.js", "hyco-ws-sender.js",
            "hyco-https-listener.js", "connection-string.js", "control-channel.js");

    private final Path directory;

    private NodeClients(Path directory) {
        this.directory = directory;
    }

    /** Installs the clients once per build directory; skips or fails the test when Node is missing. */
    public static synchronized NodeClients install() {
        NodePackages.unavailability().ifPresent(missing -> {
            String reason = "Node.js and npm are needed to run Microsoft's hyco-ws/hyco-https clients (" + missing
                    + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI must run them: .ci/run installs Node.js)");
            }
            Assumptions.abort(reason);
        });
        Path directory = Path.of("target", "node-clients").toAbsolutePath();
        try {
            Files.createDirectories(directory.resolve("stub-http"));
            // npm looks for the module "http" by name although Node resolves the core module first; see
            // real-clients.md.
            Files.writeString(directory.resolve("stub-http/package.json"),
                    "{\"name\":\"http\",\"version\":\"0.0.0-stub\"}\n", StandardCharsets.UTF_8);
            NodePackages.install(directory, NodeClients.class, "/node", SCRIPTS, List.of("hyco-ws", "hyco-https"));
        } catch (IOException e) {
            throw new UncheckedIOException("installing the Node clients in " + directory, e);
        }
        return new NodeClients(directory);
    }

    /**
     * Starts {@code node <script> <args>} in the install directory with extra environment
     * variables (e.g. {@code NODE_EXTRA_CA_CERTS}); standard error is merged into standard output,
     * which is collected line by line.
     */
    public NodeProcess start(String script, Map<String, String> environment, String... args) {
        return startWrapped(List.of(), script, environment, args);
    }

    /**
     * As {@link #start}, with {@code node} run by a wrapper command, e.g. {@code ip netns exec <namespace>} or
     * {@code ./relaysim vnet run --}.
     */
    public NodeProcess startWrapped(List<String> wrapper, String script, Map<String, String> environment,
                                    String... args) {
        ProcessBuilder builder = NodePackages.node(directory, script, List.of(args), environment);
        builder.command().addAll(0, wrapper);
        try {
            return new NodeProcess(script, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + builder.command(), e);
        }
    }

    /** A running Node script and the lines it has printed so far; closing its standard input ends it. */
    public static final class NodeProcess extends ChildProcess {

        private NodeProcess(String script, Process process) {
            super(script, process);
        }
    }
}
