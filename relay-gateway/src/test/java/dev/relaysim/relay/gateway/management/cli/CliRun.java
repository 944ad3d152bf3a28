package dev.relaysim.relay.gateway.management.cli;

import dev.relaysim.relay.gateway.testing.TestGateway;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A management command run in-process against a test gateway's management API.
 *
 * @param exitCode the command's exit code
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} with {@code --management-url} pointing at {@code gateway}. */
    static CliRun run(TestGateway gateway, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--management-url");
        all.add("http://127.0.0.1:" + gateway.addresses().managementPort());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = ManagementMain.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int exitCode = command.execute(all.toArray(String[]::new));
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
