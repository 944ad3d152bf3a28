package dev.relaysim.relay.gateway.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.management.cli.ManagementClient.ManagementException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;

/**
 * What the runtime management commands ({@code hc}, {@code keys}, {@code ns}) share: the namespace option, output,
 * JSON bodies and the failure exit. Routes and answers: {@code docs/management-api.md}.
 */
abstract class EntityCommands {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    /** The namespace a command acts in; the default configuration's default namespace unless given. */
    static final class NamespaceOption {

        @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:RELAYSIM_NAMESPACE:-sandbox}",
                description = "the namespace (default ${DEFAULT-VALUE}; env RELAYSIM_NAMESPACE)")
        String namespace;
    }

    /** {@code .../namespaces/<ns>/hybridConnections/<hc>} plus {@code rest}. */
    static String hybridConnectionPath(String namespace, String hybridConnection, String rest) {
        return ManagementClient.namespacePath(namespace, "/hybridConnections/"
                + ManagementClient.segment(hybridConnection) + rest);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Prints {@code rows} (the first is the header) as a table, or {@code empty} when there is no other row. */
    void table(List<String[]> rows, String empty) {
        if (rows.size() == 1) {
            out().println(empty);
        } else {
            Table.print(out(), rows);
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Reports a refusal on stderr as {@code <command>: <reason>}; the exit code of a failure. */
    int fail(ManagementException e) {
        spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
        return ManagementMain.EXIT_FAILURE;
    }

    static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "-" : node.asText();
    }
}
