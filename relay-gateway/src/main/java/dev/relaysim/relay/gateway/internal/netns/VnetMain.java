package dev.relaysim.relay.gateway.internal.netns;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.management.cli.Table;
import io.netty.util.NetUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./relaysim vnet list|run|shell}: the virtual networks a running {@code gateway --netns} made, and programs
 * run inside one of them, as the user who invoked {@code sudo} when there is one, with the development CA trusted
 * in addition to the system's CAs. {@code run} passes the program's exit code through; errors of its own exit
 * {@value #EXIT_FAILURE} (no gateway, unknown network) or {@value #EXIT_USAGE} (bad arguments). {@code run
 * --address} adds a machine at that address for the program's lifetime ({@link VnetHost#addMachine}).
 */
@Command(name = "vnet", mixinStandardHelpOptions = true, subcommands = {VnetMain.ListCommand.class,
        VnetMain.RunCommand.class, VnetMain.ShellCommand.class},
        description = "Runs programs inside the virtual networks of a running ./relaysim gateway --netns.")
public final class VnetMain {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /** The environment variable {@code vnet run} sets to the network's name, e.g. for a shell prompt. */
    static final String VNET_ENV = "RELAYSIM_VNET";

    private VnetMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new VnetMain()).execute(args));
    }

    /** {@code vnet list}: one line per network. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Shows the virtual networks: namespace, address space, this machine's address, resolver, "
                    + "where the public endpoint answers.")
    static final class ListCommand implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Optional<VnetsFile> vnets = running(spec.commandLine().getErr());
            if (vnets.isEmpty()) {
                return EXIT_FAILURE;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"VNET", "NAMESPACE", "ADDRESS SPACE", "MACHINE", "RESOLVER", "PUBLIC ENDPOINT",
                    "PRIVATE ENDPOINTS", "REACHES"});
            for (VnetsFile.Vnet vnet : vnets.get().vnets()) {
                rows.add(new String[] {vnet.name(), vnet.namespace(), String.join(",", vnet.addressPrefixes()),
                        vnet.address(), vnet.resolver(), vnet.publicFrontEnd(), orDash(vnet.privateEndpoints()),
                        orDash(vnet.reaches())});
            }
            Table.print(out, rows);
            out.flush();
            return 0;
        }

        private static String orDash(List<String> addresses) {
            return addresses.isEmpty() ? "-" : String.join(",", addresses);
        }
    }

    /** {@code vnet run [--vnet NAME] -- COMMAND ARGS...}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs COMMAND inside a virtual network, with the development CA trusted; "
                    + "exits with its code.")
    static final class RunCommand implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = "--vnet", paramLabel = "NAME", description = "the virtual network (default: the first one)")
        private String vnet;
        @Option(names = "--address", paramLabel = "IP", description = "run as another machine of the network, at "
                + "this address of its subnet (default: the network's machine, .5)")
        private String address;
        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the program and its arguments")
        private List<String> command;

        @Override
        public Integer call() throws IOException, InterruptedException {
            return runInside(spec, vnet, address, command);
        }
    }

    /** {@code vnet shell [--vnet NAME]}: {@code $SHELL} (else {@code /bin/sh}) inside. */
    @Command(name = "shell", mixinStandardHelpOptions = true, description = "Opens a shell inside a virtual network.")
    static final class ShellCommand implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = "--vnet", paramLabel = "NAME", description = "the virtual network (default: the first one)")
        private String vnet;

        @Override
        public Integer call() throws IOException, InterruptedException {
            String shell = System.getenv().getOrDefault("SHELL", "");
            return runInside(spec, vnet, null, List.of(shell.isBlank() ? "/bin/sh" : shell));
        }
    }

    private static int runInside(CommandLine.Model.CommandSpec spec, String vnetName, String address,
                                 List<String> command) throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> unsupported = HostCommands.unsupportedReason();
        if (unsupported.isPresent()) {
            err.println("vnet: " + unsupported.get());
            err.flush();
            return EXIT_FAILURE;
        }
        Optional<VnetsFile> vnets = running(err);
        if (vnets.isEmpty()) {
            return EXIT_FAILURE;
        }
        Optional<VnetsFile.Vnet> vnet = vnetName == null ? vnets.get().vnets().stream().findFirst()
                : vnets.get().vnet(vnetName);
        if (vnet.isEmpty()) {
            err.println("vnet: --vnet " + vnetName + ": unknown virtual network (expected: one of "
                    + vnets.get().vnets().stream().map(VnetsFile.Vnet::name).toList() + ')');
            err.flush();
            return EXIT_FAILURE;
        }
        if (address == null || address.equals(vnet.get().address())) {
            return run(new VnetProcess(vnets.get(), vnet.get(), System.getenv()), command);
        }
        VnetPlan machine;
        try {
            if (!NetUtil.isValidIpV4Address(address)) {
                throw new IllegalArgumentException("--address: " + address + " (expected: an IPv4 address)");
            }
            machine = VnetPlan.machine(vnet.get(), (Inet4Address) InetAddress.getByName(address));
        } catch (IllegalArgumentException e) {
            err.println("vnet: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        try (VnetHost host = new VnetHost(VnetLayout.fromEnvironment(System.getenv()))) {
            host.addMachine(machine);
            return run(new VnetProcess(vnets.get(), vnet.get().at(machine.namespace(), address), System.getenv()),
                    command);
        }
    }

    private static int run(VnetProcess process, List<String> command) throws IOException, InterruptedException {
        // Ctrl-C reaches the program itself (same process group); this JVM waits for it to end.
        Signal.handle(new Signal("INT"), signal -> { });
        Process started = process.start(command);
        Signal.handle(new Signal("TERM"), signal -> started.destroy());
        return started.waitFor();
    }

    /** The running gateway's {@code vnets.json}, or empty after saying on {@code err} that none runs. */
    private static Optional<VnetsFile> running(PrintWriter err) throws IOException {
        VnetLayout layout = VnetLayout.fromEnvironment(System.getenv());
        Optional<VnetsFile> vnets = VnetsFile.read(layout.vnetsFile());
        if (vnets.isEmpty() || ProcessHandle.of(vnets.get().gatewayPid()).filter(ProcessHandle::isAlive).isEmpty()) {
            err.println("vnet: no gateway --netns is running (" + layout.vnetsFile() + (vnets.isEmpty()
                    ? " does not exist" : " names pid " + vnets.get().gatewayPid() + ", which is gone")
                    + "); start one with: sudo ./relaysim gateway --netns");
            err.flush();
            return Optional.empty();
        }
        return vnets;
    }

    /**
     * What makes programs trust the development CA besides the system's: the combined PEM bundle for OpenSSL, curl
     * and Python requests, the CA for Node ({@code NODE_EXTRA_CA_CERTS} adds to Node's own) and relaysim's clients
     * ({@link DevDefaults#CA_ENV}), the combined trust store for Java, added to {@code javaToolOptions}.
     */
    static Map<String, String> trustEnvironment(VnetsFile vnets, String javaToolOptions) {
        String java = "-Djavax.net.ssl.trustStore=" + vnets.truststore() + " -Djavax.net.ssl.trustStorePassword="
                + VnetsFile.TRUSTSTORE_PASSWORD + " -Djavax.net.ssl.trustStoreType=PKCS12";
        return Map.of("SSL_CERT_FILE", vnets.caBundle(), "REQUESTS_CA_BUNDLE", vnets.caBundle(),
                "CURL_CA_BUNDLE", vnets.caBundle(), "NODE_EXTRA_CA_CERTS", vnets.devCa(),
                DevDefaults.CA_ENV, vnets.devCa(),
                "JAVA_TOOL_OPTIONS", javaToolOptions == null || javaToolOptions.isBlank() ? java
                        : javaToolOptions + ' ' + java);
    }
}
