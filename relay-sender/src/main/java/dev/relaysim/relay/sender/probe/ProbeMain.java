package dev.relaysim.relay.sender.probe;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ./relaysim probe}: checks whether this machine can use a hybrid connection (DNS, TCP and TLS to the front
 * end, the rendezvous ports for a listener, the handshake, a round trip) and prints one line per step with a
 * verdict, then an overall verdict; {@code --json} for machine output. Exit 0 when every step passed, 1 when one
 * failed, 2 for bad arguments.
 */
@Command(name = "probe", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Diagnose connectivity to a hybrid connection: DNS, TCP and TLS, rendezvous ports, handshake, "
                + "round trip.")
public final class ProbeMain implements Callable<Integer> {

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions clientOptions;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "listener",
            description = "listener (also checks the rendezvous ports) or sender (default: ${DEFAULT-VALUE}).")
    private String role;

    @Option(names = "--rendezvous-ports", paramLabel = "PORTS", defaultValue = "9400-9599",
            description = "The rendezvous ports a listener must reach (default: ${DEFAULT-VALUE}).")
    private String rendezvousPorts;

    @Option(names = "--json", description = "Print one JSON object instead of lines.")
    private boolean json;

    @Mixin
    private HelpOption help;

    private final Map<String, String> environment;

    /** A command that reads its defaults from the process environment. */
    public ProbeMain() {
        this(System.getenv());
    }

    /**
     * A command that reads its defaults from {@code environment} ({@code RELAYSIM_CONNECTION_STRING},
     * {@code RELAYSIM_CA}, {@code HOME}).
     */
    public ProbeMain(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
    }

    public static void main(String[] args) {
        ClientOptions.useQuietLogging();
        System.exit(Cli.execute(new ProbeMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConnectivityProbe.Role probeRole;
        switch (role.strip().toLowerCase(Locale.ROOT)) {
            case "listener" -> probeRole = ConnectivityProbe.Role.LISTENER;
            case "sender" -> probeRole = ConnectivityProbe.Role.SENDER;
            default -> {
                err.println("--role: \"" + role + "\" (expected: listener or sender)");
                return EXIT_USAGE;
            }
        }
        SortedSet<Integer> ports;
        ClientOptions.Target target;
        try {
            ports = PortRanges.parse(rendezvousPorts);
            target = clientOptions.resolve(environment);
        } catch (IllegalArgumentException | ClientOptions.UsageException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        ConnectivityProbe.Report report;
        try (ConnectivityProbe probe = new ConnectivityProbe(target, probeRole, ports)) {
            report = probe.run();
        }
        if (json) {
            out.println(json(target, probeRole, report));
        } else {
            print(out, target, probeRole, report);
        }
        out.flush();
        return report.passed() ? 0 : EXIT_FAILURE;
    }

    private static void print(PrintWriter out, ClientOptions.Target target, ConnectivityProbe.Role role,
                              ConnectivityProbe.Report report) {
        out.println("probing " + target.endpoint() + " as a " + role.name().toLowerCase(Locale.ROOT)
                + (target.sourceAddress() != null ? " from " + target.sourceAddress().getHostAddress() : "")
                + (target.resolver() != null ? " via DNS " + target.resolver().server().getAddress().getHostAddress()
                + ':' + target.resolver().server().getPort() : ""));
        int number = 1;
        for (ProbeStep step : report.steps()) {
            out.printf(Locale.ROOT, "%d. %-16s %-4s  %s%n", number++, step.name(), step.verdict(), step.detail());
        }
        out.println(report.summary());
    }

    private static String json(ClientOptions.Target target, ConnectivityProbe.Role role,
            ConnectivityProbe.Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("endpoint", target.endpoint().toString());
        root.put("role", role.name().toLowerCase(Locale.ROOT));
        root.put("sourceAddress", target.sourceAddress() == null ? null : target.sourceAddress().getHostAddress());
        root.put("passed", report.passed());
        ArrayNode steps = root.putArray("steps");
        for (ProbeStep step : report.steps()) {
            steps.addObject().put("step", step.name()).put("verdict", step.verdict().wireName())
                    .put("detail", step.detail());
        }
        root.put("summary", report.summary());
        return root.toString();
    }
}
