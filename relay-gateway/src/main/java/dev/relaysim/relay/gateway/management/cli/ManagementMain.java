package dev.relaysim.relay.gateway.management.cli;

import dev.relaysim.relay.common.cli.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The management commands {@code pe}, {@code network}, {@code hc}, {@code keys} and {@code ns} (the launcher runs
 * {@code ./relaysim pe ...} as {@code ManagementMain pe ...}), talking to a running gateway's ARM-shaped management
 * API. Exit codes: 0 done, 1 the API refused the request or could not be reached (the reason on stderr), 2 bad
 * arguments.
 */
@Command(name = "relaysim", mixinStandardHelpOptions = true,
        subcommands = {PeCommand.class, NetworkCommand.class, HcCommand.class, KeysCommand.class, NsCommand.class},
        description = "Manages a running relaysim gateway through its management API.")
public final class ManagementMain {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private ManagementMain() {
    }

    /** The command line of the management commands. */
    public static CommandLine commandLine() {
        return Cli.commandLine(new ManagementMain(), System.getenv());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
