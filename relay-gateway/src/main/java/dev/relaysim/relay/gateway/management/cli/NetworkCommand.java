package dev.relaysim.relay.gateway.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.management.cli.ManagementClient.ManagementException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code network show|set}: a namespace's public network access, IP rules, default action and trusted services,
 * through {@code .../namespaces/{ns}/networkRuleSets/default}. {@code set} changes only what it is given.
 */
@Command(name = "network", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Shows or sets a namespace's public network access, default action, IP rules and trusted "
                + "services (the management API of a running gateway).")
final class NetworkCommand {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    private CommandSpec spec;

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows the network settings of a namespace, or of every namespace.")
    int show(@Mixin ManagementOptions options,
             @Option(names = "--namespace", paramLabel = "NS", description = "only this namespace") String namespace) {
        ManagementClient client = options.client();
        try {
            for (JsonNode ns : PeCommand.namespaces(client, namespace)) {
                String name = ns.path("name").asText();
                print(ns, client.get(ManagementClient.namespacePath(name, "/networkRuleSets/default")));
            }
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Changes the network settings of a namespace; what is not given stays.")
    int set(@Mixin ManagementOptions options,
            @Option(names = "--namespace", paramLabel = "NS",
                    description = "the namespace (needed when the gateway has several)") String namespace,
            @Option(names = "--public-access", paramLabel = "Enabled|Disabled|SecuredByPerimeter",
                    description = "publicNetworkAccess") String publicAccess,
            @Option(names = "--default-action", paramLabel = "Allow|Deny",
                    description = "what happens to public traffic no IP rule matches") String defaultAction,
            @Option(names = "--ip-rule", paramLabel = "CIDR",
                    description = "an IPv4 address or prefix to allow; repeat it: the rules replace the old ones")
            List<String> ipRules,
            @Option(names = "--clear-ip-rules", description = "remove every IP rule") boolean clearIpRules,
            @Option(names = "--trusted-services", paramLabel = "true|false", arity = "1",
                    description = "trustedServiceAccessEnabled") Boolean trustedServices) {
        PrintWriter err = spec.commandLine().getErr();
        if (clearIpRules && ipRules != null) {
            err.println("network set: --clear-ip-rules and --ip-rule exclude each other");
            return ManagementMain.EXIT_USAGE;
        }
        if (publicAccess == null && defaultAction == null && ipRules == null && !clearIpRules
                && trustedServices == null) {
            err.println("network set: nothing to set (expected: --public-access, --default-action, --ip-rule, "
                    + "--clear-ip-rules or --trusted-services)");
            return ManagementMain.EXIT_USAGE;
        }
        ManagementClient client = options.client();
        try {
            String ns = namespace;
            if (ns == null) {
                List<String> names = new ArrayList<>();
                PeCommand.namespaces(client, null).forEach(each -> names.add(each.path("name").asText()));
                if (names.size() != 1) {
                    err.println("network set: --namespace is needed (namespaces: " + String.join(", ", names) + ')');
                    return ManagementMain.EXIT_USAGE;
                }
                ns = names.get(0);
            }
            ObjectNode body = JSON.createObjectNode();
            ObjectNode properties = body.putObject("properties");
            if (publicAccess != null) {
                properties.put("publicNetworkAccess", publicAccess);
            }
            if (defaultAction != null) {
                properties.put("defaultAction", defaultAction);
            }
            if (ipRules != null || clearIpRules) {
                ArrayNode rules = properties.putArray("ipRules");
                for (String rule : ipRules == null ? List.<String>of() : ipRules) {
                    rules.addObject().put("ipMask", rule).put("action", "Allow");
                }
            }
            if (trustedServices != null) {
                properties.put("trustedServiceAccessEnabled", trustedServices);
            }
            JsonNode ruleSet = client.put(ManagementClient.namespacePath(ns, "/networkRuleSets/default"), body);
            print(client.get(ManagementClient.namespacePath(ns, "")), ruleSet);
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    private void print(JsonNode namespace, JsonNode ruleSet) {
        JsonNode properties = ruleSet.path("properties");
        List<String> rules = new ArrayList<>();
        properties.path("ipRules").forEach(rule -> rules.add(rule.path("ipMask").asText()));
        List<String> connections = new ArrayList<>();
        namespace.path("properties").path("privateEndpointConnections").forEach(connection -> connections.add(
                connection.path("name").asText() + " (" + connection.path("properties")
                        .path("privateLinkServiceConnectionState").path("status").asText() + ')'));
        PrintWriter out = spec.commandLine().getOut();
        out.println(namespace.path("name").asText());
        List<String[]> rows = List.of(
                new String[] {"  publicNetworkAccess", properties.path("publicNetworkAccess").asText()},
                new String[] {"  defaultAction", properties.path("defaultAction").asText()},
                new String[] {"  ipRules", rules.isEmpty() ? "none" : String.join(", ", rules)},
                new String[] {"  trustedServiceAccessEnabled",
                        properties.path("trustedServiceAccessEnabled").asText()},
                new String[] {"  privateEndpointConnections",
                        connections.isEmpty() ? "none" : String.join(", ", connections)});
        Table.print(out, rows);
    }

    private int fail(ManagementException e) {
        spec.commandLine().getErr().println("network: " + e.getMessage());
        return ManagementMain.EXIT_FAILURE;
    }
}
