package dev.relaysim.relay.common.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared command-line behaviour: version, short errors for bad arguments, the log level. */
class CliTest {

    @Command(name = "listen")
    static final class Example implements Callable<Integer> {

        @Option(names = "--count")
        int count;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "relaysim", subcommands = Example.class)
    static final class Parent {
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void clearLogLevel() {
        System.clearProperty(Cli.LOG_LEVEL_PROPERTY);
    }

    @Test
    void everyCommandPrintsTheBuildsVersionAndExits0() {
        for (String option : new String[] {"-V", "--version"}) {
            assertThat(run(new Example(), Map.of(), option)).isZero();
        }
        assertThat(out.toString())
                .isEqualTo(("relaysim " + RelaysimVersion.current() + System.lineSeparator()).repeat(2));
        assertThat(RelaysimVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void subcommandsPrintTheVersionToo() {
        assertThat(run(new Parent(), Map.of(), "listen", "--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("relaysim " + RelaysimVersion.current());
    }

    @Test
    void aBadValueIsOneLineAndAHintToHelp() {
        assertThat(run(new Example(), Map.of(), "--count", "abc")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("Invalid value for option '--count': 'abc' is not an int",
                "Try './relaysim listen --help' for more information.");
    }

    @Test
    void anUnknownOptionOfASubcommandIsOneLineAndAHintToItsHelp() {
        assertThat(run(new Parent(), Map.of(), "listen", "--bogus")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("Unknown option: '--bogus'",
                "Try './relaysim listen --help' for more information.");
    }

    @Test
    void theLogLevelComesFromTheOptionElseTheEnvironment() {
        assertThat(run(new Example(), Map.of(Cli.LOG_LEVEL_ENV, "info"), "--log-level", "debug")).isZero();
        assertThat(System.getProperty(Cli.LOG_LEVEL_PROPERTY)).isEqualTo("DEBUG");
        assertThat(run(new Example(), Map.of(Cli.LOG_LEVEL_ENV, "Trace"))).isZero();
        assertThat(System.getProperty(Cli.LOG_LEVEL_PROPERTY)).isEqualTo("TRACE");
    }

    @Test
    void aBadLogLevelNamesWhereItCameFrom() {
        assertThat(run(new Example(), Map.of(Cli.LOG_LEVEL_ENV, "loud"))).isEqualTo(2);
        assertThat(run(new Example(), Map.of(), "--log-level", "verbose")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "RELAYSIM_LOG_LEVEL: \"loud\" (expected: trace, debug, info, warn, error or off)",
                "--log-level: \"verbose\" (expected: trace, debug, info, warn, error or off)");
        assertThat(System.getProperty(Cli.LOG_LEVEL_PROPERTY)).isNull();
    }

    private int run(Object command, Map<String, String> environment, String... args) {
        CommandLine commandLine = Cli.commandLine(command, environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
