package dev.relaysim.relay.gateway.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.management.cli.ManagementClient.ManagementException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code hc list|create|delete}: a namespace's hybrid connections, through {@code .../hybridConnections}. */
@Command(name = "hc", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists, creates or deletes the hybrid connections of a namespace (the management API of a "
                + "running gateway); changes apply at once.")
final class HcCommand extends EntityCommands {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the hybrid connections: name, listeners connected, client authorization, metadata.")
    int list(@Mixin ManagementOptions options, @Mixin NamespaceOption namespace) {
        try {
            JsonNode list = options.client().get(ManagementClient.namespacePath(namespace.namespace,
                    "/hybridConnections"));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "LISTENERS", "CLIENT AUTHORIZATION", "USER METADATA"});
            for (JsonNode entity : list.path("value")) {
                JsonNode properties = entity.path("properties");
                rows.add(new String[] {entity.path("name").asText(), text(properties.path("listenerCount")),
                        properties.path("requiresClientAuthorization").asBoolean(true) ? "required" : "none",
                        properties.path("userMetadata").asText("")});
            }
            table(rows, "no hybrid connections in " + namespace.namespace);
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a hybrid connection (or changes an existing one's settings).")
    int create(@Mixin ManagementOptions options, @Mixin NamespaceOption namespace,
               @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--no-client-authorization",
                       description = "senders need no token (requiresClientAuthorization false)")
               boolean noClientAuthorization,
               @Option(names = "--user-metadata", paramLabel = "TEXT", description = "free text kept with it")
               String userMetadata) {
        ObjectNode body = object();
        ObjectNode properties = body.putObject("properties");
        properties.put("requiresClientAuthorization", !noClientAuthorization);
        if (userMetadata != null) {
            properties.put("userMetadata", userMetadata);
        }
        try {
            JsonNode created = options.client().put(hybridConnectionPath(namespace.namespace, name, ""), body);
            out().println(namespace.namespace + '/' + created.path("name").asText() + ": client authorization "
                    + (created.path("properties").path("requiresClientAuthorization").asBoolean() ? "required"
                    : "none"));
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a hybrid connection: its listeners are disconnected (1001), relayed connections "
                    + "stay.")
    int delete(@Mixin ManagementOptions options, @Mixin NamespaceOption namespace,
               @Parameters(paramLabel = "NAME") String name) {
        try {
            options.client().delete(hybridConnectionPath(namespace.namespace, name, ""));
            out().println(namespace.namespace + '/' + name + ": deleted");
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }
}
