package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code docs/configuration.md} holds the settings table generated from {@link GatewaySettings} (run with
 * {@code -Drelaysim.regenerateReference=true} to rewrite it), and names every field the config loader accepts and
 * every flag and environment variable: the loader itself is asked (an unknown field in each object of the default
 * configuration, an unknown flag), so a new field without a row in the reference fails here.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    private static final String PROBE = "zzProbe";
    private static final String ONE_OF = "(expected: one of ";
    private static final String TABLE_START = "<!-- settings table: generated from GatewaySettings, do not edit "
            + "(see above) -->\n";
    private static final String TABLE_END = "<!-- end of settings table -->";

    @TempDir
    Path directory;

    @Test
    void theSettingsTableIsTheOneGeneratedFromTheDeclarations() throws Exception {
        String reference = Files.readString(REFERENCE);
        int start = reference.indexOf(TABLE_START);
        int end = reference.indexOf(TABLE_END);
        assertThat(start).as("%s in %s", TABLE_START.strip(), REFERENCE).isNotNegative();
        assertThat(end).as("%s in %s", TABLE_END, REFERENCE).isGreaterThan(start);
        String generated = GatewaySettings.referenceTable();
        if (Boolean.getBoolean("relaysim.regenerateReference")) {
            Files.writeString(REFERENCE, reference.substring(0, start + TABLE_START.length()) + generated
                    + reference.substring(end));
            return;
        }
        assertThat(reference.substring(start + TABLE_START.length(), end))
                .as("the settings table of %s (regenerate it: see the page)", REFERENCE).isEqualTo(generated);
    }

    @Test
    void everyFieldTheLoaderAcceptsHasARow() throws Exception {
        String reference = Files.readString(REFERENCE);
        // Each object of the configuration, by the path the reference writes ("[]" for any element).
        Map<String, Function<JsonNode, JsonNode>> objects = new LinkedHashMap<>();
        objects.put("", root -> root);
        for (String section : List.of("listen", "protocol", "limits", "dns", "events", "cluster")) {
            objects.put(section, root -> root.path(section));
        }
        for (String section : List.of("tls", "plain", "management", "advertised")) {
            objects.put("listen." + section, root -> root.path("listen").path(section));
        }
        objects.put("dns.faults", root -> root.path("dns").path("faults"));
        objects.put("namespaces[]", root -> contoso(root));
        objects.put("namespaces[].authorizationRules[]", root -> contoso(root).path("authorizationRules").path(0));
        objects.put("namespaces[].hybridConnections[]", root -> contoso(root).path("hybridConnections").path(0));
        objects.put("namespaces[].networkRuleSet", root -> contoso(root).path("networkRuleSet"));
        objects.put("namespaces[].networkRuleSet.ipRules[]",
                root -> contoso(root).path("networkRuleSet").path("ipRules").path(0));
        objects.put("namespaces[].privateEndpoints[]", root -> contoso(root).path("privateEndpoints").path(0));
        objects.put("virtualNetworks[]", root -> root.path("virtualNetworks").path(0));
        objects.put("virtualNetworks[].subnets[]", root -> root.path("virtualNetworks").path(0).path("subnets")
                .path(0));

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Function<JsonNode, JsonNode>> object : objects.entrySet()) {
            for (String field : acceptedFields(object.getValue())) {
                String path = object.getKey().isEmpty() ? field : object.getKey() + '.' + field;
                if (!reference.contains('`' + path + '`')) {
                    missing.add(path);
                }
            }
        }
        assertThat(missing).as("fields the loader accepts that %s does not name", REFERENCE).isEmpty();
    }

    @Test
    void everyFlagAndEnvironmentVariableHasARow() throws Exception {
        String reference = Files.readString(REFERENCE);
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("zz-probe", "1"), Map.of()));
        List<String> missing = new ArrayList<>();
        for (String flag : listAfterOneOf(error.getMessage())) {
            String name = flag.substring(2);
            if (!reference.contains('`' + flag + '`') && !reference.contains("`--no-" + name + '`')) {
                missing.add(flag);
            }
            String variable = "RELAYSIM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
            if (!reference.contains('`' + variable + '`')) {
                missing.add(variable);
            }
        }
        assertThat(missing).as("flags and variables %s does not name", REFERENCE).isEmpty();
    }

    /** The fields the loader accepts in the object {@code locate} finds in the default configuration. */
    private List<String> acceptedFields(Function<JsonNode, JsonNode> locate) throws Exception {
        JsonNode root = defaultConfiguration();
        JsonNode object = locate.apply(root);
        assertThat(object.isObject()).as("an object of the default configuration: %s", object).isTrue();
        ((ObjectNode) object).put(PROBE, 1);
        Path file = directory.resolve("probe.json");
        Files.writeString(file, root.toString());
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertThat(error.getMessage()).contains(PROBE + ": unknown field " + ONE_OF);
        return listAfterOneOf(error.getMessage());
    }

    /**
     * The default configuration (declared defaults and the embedded file) with an IP rule and advertised settings
     * added, so that every kind of object occurs in it.
     */
    private static JsonNode defaultConfiguration() {
        ObjectNode root = ConfigLoader.defaultTree(ConfigLoader.Embedded.LOOPBACK);
        ((ObjectNode) contoso(root).path("networkRuleSet")).putArray("ipRules").addObject()
                .put("ipMask", "203.0.113.0/24");
        ((ObjectNode) root.path("listen")).putObject("advertised").put("tlsPort", 0);
        return root;
    }

    private static JsonNode contoso(JsonNode root) {
        for (JsonNode namespace : root.path("namespaces")) {
            if ("contoso".equals(namespace.path("name").asText())) {
                return namespace;
            }
        }
        throw new AssertionError("no namespace contoso in the default configuration");
    }

    /** {@code a, b, c} of a message ending in {@code (expected: one of a, b, c)}. */
    private static List<String> listAfterOneOf(String message) {
        int start = message.lastIndexOf(ONE_OF);
        assertThat(start).as("a list of what is accepted in %s", message).isNotNegative();
        return List.of(message.substring(start + ONE_OF.length(), message.lastIndexOf(')')).split(", "));
    }
}
