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

/** {@code ns list|create|delete}: the gateway's namespaces, through {@code .../Microsoft.Relay/namespaces}. */
@Command(name = "ns", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists, creates or deletes namespaces (the management API of a running gateway); a new one is "
                + "answered by the DNS responder and covered by the certificate at once.")
final class NsCommand extends EntityCommands {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the namespaces: name, endpoint, region, public network access.")
    int list(@Mixin ManagementOptions options) {
        try {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "ENDPOINT", "REGION", "PUBLIC NETWORK ACCESS"});
            for (JsonNode namespace : options.client().get(ManagementClient.namespacePath(null, "")).path("value")) {
                JsonNode properties = namespace.path("properties");
                rows.add(new String[] {namespace.path("name").asText(), text(properties.path("serviceBusEndpoint")),
                        text(namespace.path("location")), text(properties.path("publicNetworkAccess"))});
            }
            table(rows, "no namespaces");
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a namespace <NAME>.servicebus.windows.net with a RootManageSharedAccessKey rule.")
    int create(@Mixin ManagementOptions options, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--location", paramLabel = "REGION", description = "its region (default westeurope)")
               String location) {
        ObjectNode body = object();
        if (location != null) {
            body.put("location", location);
        }
        try {
            JsonNode created = options.client().put(ManagementClient.namespacePath(name, ""), body);
            out().println(created.path("name").asText() + ": " + created.path("properties")
                    .path("serviceBusEndpoint").asText() + " (" + created.path("location").asText() + ')');
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a namespace with its hybrid connections and rules (not the default namespace).")
    int delete(@Mixin ManagementOptions options, @Parameters(paramLabel = "NAME") String name) {
        try {
            options.client().delete(ManagementClient.namespacePath(name, ""));
            out().println(name + ": deleted");
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }
}
