package dev.relaysim.relay.standalone;

import dev.relaysim.relay.common.cli.RelaysimVersion;
import dev.relaysim.relay.gateway.cli.GatewayMain;
import dev.relaysim.relay.gateway.management.cli.ManagementMain;
import dev.relaysim.relay.gateway.internal.netns.VnetMain;
import dev.relaysim.relay.listener.ListenerMain;
import dev.relaysim.relay.loadtest.BenchMain;
import dev.relaysim.relay.sender.SenderMain;
import dev.relaysim.relay.sender.TokenMain;
import dev.relaysim.relay.sender.probe.ProbeMain;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point of every relaysim command: {@code java -jar relaysim-VERSION-standalone.jar <command> ...},
 * the distribution's {@code bin/relaysim} and the source checkout's {@code ./relaysim} all run it. Each command is
 * one line of {@link #COMMANDS}; its main class (in the module that owns it) parses the rest of the arguments.
 * Exit codes: the command's own, 2 for a missing or unknown command.
 */
public final class RelaysimMain {

    static final int USAGE_ERROR = 2;

    /** The commands, in the order {@code --help} lists them. Adding a command is adding its line here. */
    static final List<Command> COMMANDS = List.of(
            Command.of("gateway", "run the relay gateway (front ends, rendezvous ports 9400-9599) on its embedded "
                    + "default config", GatewayMain::main),
            Command.of("listen", "open a Hybrid Connections listener (--echo echoes WebSocket messages, --http-echo "
                    + "HTTP requests)", ListenerMain::main),
            Command.of("send", "connect a sender, send messages and check the echo (--http sends an HTTP request, "
                    + "curl-style)", SenderMain::main),
            Command.of("probe", "diagnose DNS, ports 443 and 9400-9599, the handshake and a round trip for a "
                    + "connection string", ProbeMain::main),
            Command.of("token", "print a SAS token (or --header: the ServiceBusAuthorization line) for curl and other "
                    + "HTTP clients", TokenMain::main),
            Command.of("bench", "benchmarks against baselines measured in the same run (throughput, latency, "
                    + "connect-rate, idle, integrity)", BenchMain::main),
            Command.subcommand("pe", "private endpoint connections of a namespace: list, approve, reject, remove "
                    + "(management API)", ManagementMain::main),
            Command.subcommand("network", "a namespace's public network access, IP rules and trusted services: "
                    + "show, set (management API)", ManagementMain::main),
            Command.subcommand("hc", "hybrid connections of a namespace: list, create, delete (management API)",
                    ManagementMain::main),
            Command.subcommand("keys", "shared access rules and keys: list, regenerate (management API)",
                    ManagementMain::main),
            Command.subcommand("ns", "namespaces: list, create, delete (management API)", ManagementMain::main),
            Command.of("vnet", "run a program inside a virtual network of 'gateway --netns' (Linux, root): list, "
                    + "run -- COMMAND, shell", VnetMain::main));

    private RelaysimMain() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || isHelp(args[0])) {
            printUsage(args.length == 0 ? System.err : System.out);
            if (args.length == 0) {
                System.exit(USAGE_ERROR);
            }
            return;
        }
        if (isVersion(args[0])) {
            RelaysimVersion.main(new String[0]);
            return;
        }
        Optional<Command> command = command(args[0]);
        if (command.isEmpty()) {
            System.err.println("relaysim: unknown command '" + args[0] + "' (expected: one of "
                    + String.join(", ", COMMANDS.stream().map(Command::name).toList()) + ')');
            System.exit(USAGE_ERROR);
            return;
        }
        command.get().run(Arrays.copyOfRange(args, 1, args.length));
    }

    /** The command with this name. */
    static Optional<Command> command(String name) {
        return COMMANDS.stream().filter(command -> command.name().equals(name)).findFirst();
    }

    private static boolean isVersion(String argument) {
        return argument.equals("--version") || argument.equals("-V");
    }

    private static boolean isHelp(String argument) {
        return argument.equals("help") || argument.equals("--help") || argument.equals("-h");
    }

    static void printUsage(PrintStream out) {
        out.println("Usage: relaysim <command> [options]");
        out.println();
        out.println("Commands:");
        int width = COMMANDS.stream().mapToInt(command -> command.name().length()).max().orElse(0) + 3;
        for (Command command : COMMANDS) {
            out.println("  " + command.name() + " ".repeat(width - command.name().length()) + command.summary());
        }
        out.println();
        out.println("Every command takes --help, --version (-V; also relaysim --version) and --log-level. The gateway");
        out.println("prints ready-to-paste connection strings when it starts;");
        out.println("listen and send default to the gateway's development connection string for sandbox/echo.");
    }

    /** A main method of a module's command class. */
    @FunctionalInterface
    interface MainMethod {
        void main(String[] args);
    }

    /**
     * One command: its name, the line {@code --help} shows, the main method that runs it and the arguments put
     * before the user's (for commands that are subcommands of a shared main class, such as {@code pe}).
     */
    record Command(String name, String summary, MainMethod main, List<String> leadingArguments) {

        static Command of(String name, String summary, MainMethod main) {
            return new Command(name, summary, main, List.of());
        }

        /** A command that is the subcommand of the same name of {@code main}. */
        static Command subcommand(String name, String summary, MainMethod main) {
            return new Command(name, summary, main, List.of(name));
        }

        void run(String[] arguments) {
            String[] all = new String[leadingArguments.size() + arguments.length];
            for (int i = 0; i < leadingArguments.size(); i++) {
                all[i] = leadingArguments.get(i);
            }
            System.arraycopy(arguments, 0, all, leadingArguments.size(), arguments.length);
            main.main(all);
        }
    }
}
