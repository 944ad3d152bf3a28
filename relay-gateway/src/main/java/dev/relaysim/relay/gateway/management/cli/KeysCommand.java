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
import java.util.Locale;

/**
 * {@code keys list|regenerate}: the authorization rules of a namespace or of one of its hybrid connections, with
 * their keys ({@code listKeys}) and {@code regenerateKeys}.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists the shared access rules and keys of a namespace or hybrid connection, or regenerates a "
                + "key (the management API of a running gateway).")
final class KeysCommand extends EntityCommands {

    /** Which rules: the namespace's, or a hybrid connection's with {@code --hc}. */
    static final class Scope {

        @Mixin
        NamespaceOption namespace;

        @Option(names = "--hc", paramLabel = "NAME", description = "a hybrid connection's rules instead of the "
                + "namespace's")
        String hybridConnection;

        String rulesPath(String rest) {
            return hybridConnection == null
                    ? ManagementClient.namespacePath(namespace.namespace, "/authorizationRules" + rest)
                    : hybridConnectionPath(namespace.namespace, hybridConnection, "/authorizationRules" + rest);
        }

        String label() {
            return namespace.namespace + (hybridConnection == null ? "" : '/' + hybridConnection);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the rules with their rights and keys (or connection strings).")
    int list(@Mixin ManagementOptions options, @Mixin Scope scope,
             @Option(names = "--connection-strings", description = "show the primary connection string instead of "
                     + "the keys") boolean connectionStrings) {
        ManagementClient client = options.client();
        try {
            List<String[]> rows = new ArrayList<>();
            rows.add(connectionStrings ? new String[] {"RULE", "RIGHTS", "PRIMARY CONNECTION STRING"}
                    : new String[] {"RULE", "RIGHTS", "PRIMARY KEY", "SECONDARY KEY"});
            for (JsonNode rule : client.get(scope.rulesPath("")).path("value")) {
                String name = rule.path("name").asText();
                List<String> rights = new ArrayList<>();
                rule.path("properties").path("rights").forEach(right -> rights.add(right.asText()));
                JsonNode keys = client.post(scope.rulesPath('/' + ManagementClient.segment(name) + "/listKeys"),
                        object());
                rows.add(connectionStrings
                        ? new String[] {name, String.join(",", rights), keys.path("primaryConnectionString").asText()}
                        : new String[] {name, String.join(",", rights), keys.path("primaryKey").asText(),
                        keys.path("secondaryKey").asText()});
            }
            table(rows, "no authorization rules in " + scope.label());
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }

    @Command(name = "regenerate", mixinStandardHelpOptions = true,
            description = "Replaces a rule's primary or secondary key with a new random one (or --value): tokens "
                    + "signed with the old key are refused for new connections.")
    int regenerate(@Mixin ManagementOptions options, @Mixin Scope scope,
                   @Parameters(paramLabel = "RULE") String rule,
                   @Option(names = "--key", paramLabel = "primary|secondary", defaultValue = "primary",
                           description = "which key (default ${DEFAULT-VALUE})") String key,
                   @Option(names = "--value", paramLabel = "KEY", description = "the new key instead of a random one")
                   String value) {
        String keyType = switch (key.toLowerCase(Locale.ROOT)) {
            case "primary" -> "PrimaryKey";
            case "secondary" -> "SecondaryKey";
            default -> null;
        };
        if (keyType == null) {
            spec.commandLine().getErr().println("keys: --key " + key + " (expected: primary or secondary)");
            return ManagementMain.EXIT_USAGE;
        }
        ObjectNode body = object().put("keyType", keyType);
        if (value != null) {
            body.put("key", value);
        }
        try {
            JsonNode keys = options.client().post(scope.rulesPath('/' + ManagementClient.segment(rule)
                    + "/regenerateKeys"), body);
            boolean primary = keyType.equals("PrimaryKey");
            out().println(scope.label() + '/' + keys.path("keyName").asText() + ' '
                    + (primary ? "primary" : "secondary") + " key: "
                    + keys.path(primary ? "primaryKey" : "secondaryKey").asText());
            out().println(keys.path(primary ? "primaryConnectionString" : "secondaryConnectionString").asText());
            return 0;
        } catch (ManagementException e) {
            return fail(e);
        }
    }
}
