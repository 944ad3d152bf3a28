package dev.relaysim.relay.common.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What every relaysim command's {@code main} shares, in one place: {@code -V}/{@code --version} from
 * {@link RelaysimVersion}, {@code --log-level} (else {@value #LOG_LEVEL_ENV}), and one-line errors for bad arguments
 * ({@code Invalid value for option '--count': 'abc' is not an int}, then a hint to {@code --help}, exit 2) instead of
 * the whole usage text.
 *
 * <p>The log level reaches logback as the system property {@value #LOG_LEVEL_PROPERTY}, which the commands' logback
 * configurations read; it is set before the command runs, so before anything logs.
 */
public final class Cli {

    /** Exit code for bad arguments, as picocli and every command use. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    /** Environment variable with the log level when {@code --log-level} is not given. */
    public static final String LOG_LEVEL_ENV = "RELAYSIM_LOG_LEVEL";
    /** System property the logback configurations take the root level from. */
    public static final String LOG_LEVEL_PROPERTY = "relaysim.log.level";

    private static final String LOG_LEVEL_OPTION = "--log-level";
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final String EXPECTED_LEVEL = "(expected: trace, debug, info, warn, error or off)";

    private Cli() {
    }

    /** Runs {@code command} with {@code args} and the process environment; returns the exit code. */
    public static int execute(Object command, String... args) {
        return commandLine(command, System.getenv()).execute(args);
    }

    /**
     * {@code command}'s command line (and its subcommands'), with the shared options, the version and the short
     * error handler; {@code environment} supplies {@value #LOG_LEVEL_ENV}.
     */
    public static CommandLine commandLine(Object command, Map<String, String> environment) {
        requireNonNull(environment, "environment");
        CommandLine commandLine = new CommandLine(requireNonNull(command, "command"));
        addSharedOptions(commandLine);
        commandLine.setParameterExceptionHandler(Cli::shortError);
        commandLine.setExecutionStrategy(parseResult -> {
            String level = logLevel(parseResult, environment);
            if (level == null) {
                return new CommandLine.RunLast().execute(parseResult);
            }
            String upper = level.strip().toUpperCase(Locale.ROOT);
            if (!LEVELS.contains(upper)) {
                CommandLine failing = parseResult.commandSpec().commandLine();
                String source = hasLogLevelOption(parseResult) ? LOG_LEVEL_OPTION : LOG_LEVEL_ENV;
                failing.getErr().println(source + ": \"" + level + "\" " + EXPECTED_LEVEL);
                failing.getErr().flush();
                return EXIT_USAGE;
            }
            System.setProperty(LOG_LEVEL_PROPERTY, upper);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    private static void addSharedOptions(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        spec.versionProvider(() -> new String[] {RelaysimVersion.line()});
        if (spec.findOption("--version") == null) {
            spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                    .description("Print the version and exit.").build());
        }
        spec.addOption(OptionSpec.builder(LOG_LEVEL_OPTION).paramLabel("LEVEL").type(String.class)
                .description("Log level: trace, debug, info, warn, error or off (default: $" + LOG_LEVEL_ENV
                        + ", else the command's own: warn for clients, info for the gateway).").build());
        for (CommandLine subcommand : commandLine.getSubcommands().values()) {
            addSharedOptions(subcommand);
        }
    }

    /** The level from the deepest command that was given {@code --log-level}, else the environment, else null. */
    private static String logLevel(ParseResult parseResult, Map<String, String> environment) {
        String level = null;
        for (ParseResult current = parseResult; current != null; current = current.subcommand()) {
            if (current.hasMatchedOption(LOG_LEVEL_OPTION)) {
                level = current.matchedOptionValue(LOG_LEVEL_OPTION, null);
            }
        }
        if (level != null) {
            return level;
        }
        String fromEnvironment = environment.get(LOG_LEVEL_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
    }

    private static boolean hasLogLevelOption(ParseResult parseResult) {
        for (ParseResult current = parseResult; current != null; current = current.subcommand()) {
            if (current.hasMatchedOption(LOG_LEVEL_OPTION)) {
                return true;
            }
        }
        return false;
    }

    /** One line naming what was wrong, suggestions for a mistyped option, and where the usage is. */
    private static int shortError(ParameterException exception, String[] args) {
        CommandLine commandLine = exception.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(exception.getMessage());
        UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Try '" + launcherCommand(commandLine.getCommandSpec()) + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** How the user runs this command through the launcher: {@code ./relaysim listen}, {@code ./relaysim pe list}. */
    static String launcherCommand(CommandSpec spec) {
        String qualified = spec.qualifiedName(" ");
        return "./" + (qualified.startsWith("relaysim") ? qualified : "relaysim " + qualified);
    }
}
