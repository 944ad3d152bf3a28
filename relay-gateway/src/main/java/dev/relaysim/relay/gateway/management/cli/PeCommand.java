package dev.relaysim.relay.gateway.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.gateway.management.cli.ManagementClient.ManagementException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pe list|approve|reject|remove}: a namespace's private endpoint connections, through
 * {@code .../namespaces/{ns}/privateEndpointConnections}. Without {@code --namespace}, {@code list} shows every
 * namespace's connections and the others find the namespace that has a connection of that name.
 */
@Command(name = "pe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists, approves, rejects or removes the private endpoint connections of a namespace "
                + "(the management API of a running gateway).")
final class PeCommand {

    @Spec
    private CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the private endpoint connections: namespace, name, status, "
                    + "private IP, description.")
    int list(@Mixin ManagementOptions options,
             @Option(names = "--namespace", paramLabel = "NS", description = "only this namespace") String namespace) {
        ManagementClient client = options.client();
        try {
            List<JsonNode> namespaces = namespaces(client, namespace);
            Map<String, String> addresses = new HashMap<>();
            for (JsonNode endpoint : client.get("/providers/Microsoft.Network/privateEndpoints").path("value")) {
                addresses.put(endpoint.path("id").asText().toLowerCase(Locale.ROOT),
                        endpoint.path("properties").path("customDnsConfigs").path(0).path("ipAddresses").path(0)
                                .asText("-"));
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAMESPACE", "CONNECTION", "STATUS", "PRIVATE IP", "DESCRIPTION"});
            for (JsonNode ns : namespaces) {
                for (JsonNode connection : ns.path("properties").path("privateEndpointConnections")) {
                    JsonNode properties = connection.path("properties");
                    JsonNode state = properties.path("privateLinkServiceConnectionState");
                    rows.add(new String[] {ns.path("name").asText(), connection.path("name").asText(),
                            state.path("status").asText(), addresses.getOrDefault(properties.path("privateEndpoint")
                            .path("id").asText().toLowerCase(Locale.ROOT), "-"), state.path("description").asText()});
                }
            }
            PrintWriter out = out();
            if (rows.size() == 1) {
                out.println("no private endpoint connections" + (namespace == null ? "" : " in " + namespace));
            } else {
                Table.print(out, rows);
            }
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approves a connection: its endpoint carries traffic at once.")
    int approve(@Mixin ManagementOptions options, @Mixin ConnectionName connection,
                @Mixin StateDescription state) {
        return setStatus(options, connection, "Approved", state.description);
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Rejects a connection: connections through its endpoint close with "
                    + "1008, new ones are refused.")
    int reject(@Mixin ManagementOptions options, @Mixin ConnectionName connection, @Mixin StateDescription state) {
        return setStatus(options, connection, "Rejected", state.description);
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a connection (Disconnected): its endpoint carries no traffic "
                    + "until it is deleted and created again.")
    int remove(@Mixin ManagementOptions options, @Mixin ConnectionName connection) {
        ManagementClient client = options.client();
        try {
            String ns = namespaceOf(client, connection.namespace, connection.name);
            JsonNode removed = client.delete(ManagementClient.privateEndpointConnectionPath(ns, connection.name));
            printStatus(ns, removed);
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    /** The connection {@code approve}, {@code reject} and {@code remove} act on. */
    static final class ConnectionName {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--namespace", paramLabel = "NS",
                description = "default: the namespace with a connection of that name")
        String namespace;
    }

    /** The description a state change sets. */
    static final class StateDescription {

        @Option(names = "--description", paramLabel = "TEXT",
                description = "the state's description, shown to the endpoint's owner")
        String description;
    }

    private int setStatus(ManagementOptions options, ConnectionName connection, String status,
                          @Nullable String description) {
        ManagementClient client = options.client();
        try {
            String ns = namespaceOf(client, connection.namespace, connection.name);
            printStatus(ns, client.setPrivateEndpointConnectionStatus(ns, connection.name, status, description));
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    private void printStatus(String namespace, JsonNode connection) {
        JsonNode state = connection.path("properties").path("privateLinkServiceConnectionState");
        String description = state.path("description").asText();
        out().println(namespace + '/' + connection.path("name").asText() + ": " + state.path("status").asText()
                + (description.isEmpty() ? "" : " (" + description + ')'));
    }

    /** {@code namespace} if given, else the one namespace with a connection named {@code name}. */
    private static String namespaceOf(ManagementClient client, String namespace, String name)
            throws ManagementException {
        if (namespace != null) {
            return namespace;
        }
        List<String> owners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode ns : namespaces(client, null)) {
            for (JsonNode connection : ns.path("properties").path("privateEndpointConnections")) {
                names.add(ns.path("name").asText() + '/' + connection.path("name").asText());
                if (connection.path("name").asText().equalsIgnoreCase(name)) {
                    owners.add(ns.path("name").asText());
                }
            }
        }
        if (owners.size() == 1) {
            return owners.get(0);
        }
        throw new ManagementException(owners.isEmpty()
                ? "no private endpoint connection " + name + " (connections: " + (names.isEmpty() ? "none"
                : String.join(", ", names)) + ')'
                : "connection " + name + " exists in " + String.join(" and ", owners) + " (expected: --namespace)");
    }

    /** The namespace {@code namespace}, or every namespace when it is null. */
    static List<JsonNode> namespaces(ManagementClient client, String namespace) throws ManagementException {
        if (namespace != null) {
            return List.of(client.get(ManagementClient.namespacePath(namespace, "")));
        }
        List<JsonNode> all = new ArrayList<>();
        client.get(ManagementClient.namespacePath(null, "")).path("value").forEach(all::add);
        return all;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private int fail(ManagementException e) {
        spec.commandLine().getErr().println("pe: " + e.getMessage());
        return ManagementMain.EXIT_FAILURE;
    }
}
