package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the config loader: JSON files made from a full valid configuration by structural edits (a value
 * replaced by one of another type or an odd one, a field removed or added, an array emptied or doubled) or by text
 * edits, and random flag and environment values. {@link ConfigLoader#load} returns a configuration or throws a
 * {@link ConfigException} whose message names where: the file, a JSON path, a flag or a variable. Nothing else.
 */
@Tag("fuzz")
class ConfigLoaderFuzzTest {

    private static final Path DIRECTORY = temporaryDirectory();
    private static final Path FILE = DIRECTORY.resolve("config.json");
    private static final ObjectNode VALID = valid();
    private static final String VALID_TEXT = VALID.toPrettyString();
    private static final List<String> FLAGS = List.of("bind-address", "tls", "tls-port", "plain", "plain-port",
            "rendezvous-ports", "management", "management-port", "management-admin-key", "dns", "dns-bind-address",
            "dns-port", "data-dir", "default-namespace", "rendezvous-timeout", "handshake-timeout", "max-message-size",
            "shutdown-timeout", "response-timeout", "token-expiry-grace", "no-such-flag");
    private static final List<String> ODD_TEXT = List.of("", " ", "0", "-1", "65536", "70000", "2147483648", "true",
            "TRUE", "no", "abc", "16MiB", "16 kib", "99999999999MiB", "1s", "0s", "-5s", "5m", "PT1S", "1h30m",
            "9400-9599", "9599-9400", "1-65535", "0-0", "65535-65536", "127.0.0.1", "::1", "10.0.0.0/8", "300.1.1.1",
            "~", "~/x", "relative/dir", "/abs\u0000dir", "sandbox", "contoso", "Listen", "Manage", "Approved",
            "Pending", "Rejected", "Disabled", "Enabled", "Deny", "Allow", "\u00e9", "a;b", "\u0000");
    private static final List<String> UNKNOWN_FIELDS = List.of("unknownField", "port", "name", "enabled", "");
    private static final List<String> JSON_TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "null", "true", "0",
            "-1", "1e999", "\"\"", "{}", "[]", "\\u0000", "//", "/*", "\ufeff", "\u00ff");

    @Test
    void theUneditedFileLoads() throws ConfigException {
        loadsOrNamesWhere(VALID_TEXT, true);
        assertThat(ConfigLoader.load(FILE, Map.of(), Map.of()).namespaces()).hasSize(2);
    }

    @Test
    void structurallyEditedFilesLoadOrAreRejectedNamingAPath() {
        Fuzz.check(ConfigLoaderFuzzTest::editedTree, json -> loadsOrNamesWhere(json, true));
    }

    @Test
    void textuallyEditedFilesLoadOrAreRejectedNamingAPath() {
        // Edited text may put a '.' into a field name, so a path may end in one here.
        Fuzz.check(Mutations.of(Gen.constant(VALID_TEXT), JSON_TOKENS), json -> loadsOrNamesWhere(json, false));
    }

    @Test
    void flagAndEnvironmentValuesLoadOrAreRejectedNamingTheFlagOrVariable() {
        Gen<Map<String, String>> overrides = overrides();
        Fuzz.check(random -> new FlagsAndVariables(overrides.next(random), overrides.next(random)), input -> {
            Map<String, String> environment = new LinkedHashMap<>();
            input.variables().forEach((flag, value) -> environment.put("RELAYSIM_"
                    + flag.replace("--", "").toUpperCase().replace('-', '_'), value));
            try {
                ConfigLoader.load(null, input.flags(), environment);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).containsPattern("--[a-z-]+|RELAYSIM_[A-Z_]+");
            }
        });
    }

    @AfterAll
    static void removeTheFile() throws IOException {
        Files.deleteIfExists(FILE);
        Files.deleteIfExists(DIRECTORY);
    }

    /**
     * Loads {@code json} from a file: a configuration, or a {@link ConfigException} naming the file or a JSON path,
     * one without empty segments when {@code wholeSegments} (the field names have no '.').
     */
    private static void loadsOrNamesWhere(String json, boolean wholeSegments) {
        try {
            Files.write(FILE, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ConfigLoader.load(FILE, Map.of(), Map.of());
        } catch (ConfigException e) {
            String message = e.getMessage();
            if (!message.startsWith(FILE.toAbsolutePath() + ": ")) {
                int colon = message.indexOf(": ");
                assertThat(colon).as("where in %s", message).isPositive();
                String where = message.substring(0, colon).replaceFirst(" \\(from [^)]+\\)$", "");
                assertThat(where).as("the JSON path in %s", message).isNotBlank();
                if (wholeSegments) {
                    assertThat(where).as("the JSON path in %s", message).doesNotStartWith(".").doesNotEndWith(".")
                            .doesNotContain("..");
                }
                assertThat(message.substring(colon + 2)).as("the problem in %s", message).isNotBlank();
            }
        }
    }

    /** Flag values, and values for the variables of the flags in {@code variables}. */
    private record FlagsAndVariables(Map<String, String> flags, Map<String, String> variables) {
    }

    /** The full configuration with 1-3 structural edits. */
    private static String editedTree(Random random) {
        ObjectNode tree = VALID.deepCopy();
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            edit(random, tree);
        }
        return tree.toString();
    }

    /** 0-3 flags (with or without their "--") and values, odd ones or any short text. */
    private static Gen<Map<String, String>> overrides() {
        Gen<String> name = Gen.elements(FLAGS);
        Gen<String> flag = random -> (random.nextBoolean() ? "--" : "") + name.next(random);
        return Gen.maps(flag, Gen.oneOf(Gen.elements(ODD_TEXT), Gen.strings(0, 12)), 3);
    }

    /** One edit at a random node of {@code tree}. */
    private static void edit(Random random, ObjectNode tree) {
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int action = random.nextInt(5);
            if (names.isEmpty() || action == 0) {
                object.set(UNKNOWN_FIELDS.get(random.nextInt(UNKNOWN_FIELDS.size())), value(random));
            } else if (action == 1) {
                object.remove(names.get(random.nextInt(names.size())));
            } else {
                object.set(names.get(random.nextInt(names.size())), value(random));
            }
        } else {
            ArrayNode array = (ArrayNode) container;
            int action = random.nextInt(4);
            if (array.isEmpty() || action == 0) {
                array.add(value(random));
            } else if (action == 1) {
                array.add(array.get(random.nextInt(array.size())).deepCopy());
            } else if (action == 2) {
                array.removeAll();
            } else {
                array.set(random.nextInt(array.size()), value(random));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
                collect(children.next(), containers);
            }
        }
    }

    private static JsonNode value(Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(9)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(List.of(0, -1, 1, 25, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE)
                    .get(random.nextInt(8)));
            case 3 -> nodes.numberNode(random.nextBoolean() ? 1.5 : 1e300);
            case 4 -> nodes.numberNode(Long.MAX_VALUE);
            case 5 -> nodes.objectNode();
            case 6 -> nodes.arrayNode().add(nodes.textNode(ODD_TEXT.get(random.nextInt(ODD_TEXT.size()))));
            default -> nodes.textNode(ODD_TEXT.get(random.nextInt(ODD_TEXT.size())));
        };
    }

    /** The embedded defaults plus every optional part of the schema, so that edits reach each binder branch. */
    private static ObjectNode valid() {
        ObjectNode tree = ConfigLoader.defaultTree(ConfigLoader.Embedded.LOOPBACK);
        tree.put("dataDirectory", "data");
        ObjectNode contoso = (ObjectNode) tree.get("namespaces").get(1);
        ((ArrayNode) contoso.get("networkRuleSet").get("ipRules")).addObject()
                .put("ipMask", "203.0.113.0/24").put("action", "Allow");
        ObjectNode endpoint = ((ArrayNode) contoso.get("privateEndpoints")).addObject();
        endpoint.put("name", "pe2").put("virtualNetwork", "vnet1").put("subnet", "default")
                .put("manualApproval", true).put("privateDnsZoneGroup", false);
        ((ArrayNode) contoso.get("hybridConnections").get(0).get("authorizationRules")).addObject()
                .put("name", "send").put("primaryKey", "k1").put("trustedService", false)
                .putArray("rights").add("Send");
        ObjectNode network = (ObjectNode) tree.get("virtualNetworks").get(0);
        network.put("privateDnsZoneLinked", true);
        ((ArrayNode) network.get("connectedNetworks")).add("127.11.0.0/16");
        ObjectNode dnsFaults = (ObjectNode) tree.get("dns").get("faults");
        ((ObjectNode) dnsFaults.get("staleARecords")).put("contoso", "127.10.0.9");
        ((ArrayNode) dnsFaults.get("missingARecords")).add("sandbox");
        return tree;
    }

    /** In /dev/shm (memory) where there is one: a million file writes to a disk take minutes. */
    private static Path temporaryDirectory() {
        Path memory = Path.of("/dev/shm");
        try {
            return Files.isDirectory(memory) && Files.isWritable(memory)
                    ? Files.createTempDirectory(memory, "relaysim-config-fuzz")
                    : Files.createTempDirectory("relaysim-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
