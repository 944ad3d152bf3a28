package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.connection.DevDefaults;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads the gateway configuration: the defaults of the {@linkplain GatewaySettings declared settings} and the
 * embedded {@code default-config.json} (namespaces, virtual networks), overlaid by a JSON file, then by environment
 * variables, then by command-line flags (flag &gt; environment &gt; file &gt; default). The JSON schema is described
 * in the {@linkplain dev.relaysim.relay.gateway.config package documentation} and {@code docs/configuration.md}.
 *
 * <p>The file is merged into the defaults object by object: a field the file leaves out keeps its
 * default, an array (such as {@code namespaces}) replaces the default one, and a JSON {@code null}
 * counts as left out. A file that declares {@code namespaces} without {@code defaultNamespace}
 * makes its first namespace the default one.
 *
 * <p>Flags are named without the leading {@code --} (as {@link Setting#flag()}), their environment variables
 * {@code RELAYSIM_<FLAG_IN_UPPER_SNAKE>} ({@link Setting#environmentVariable()}); {@link GatewaySettings} declares
 * which setting has one. A flag with a {@code null} value and an environment variable that is empty or blank count
 * as not set; an unknown flag is an error, other {@code RELAYSIM_*} variables are ignored. Errors name the JSON path
 * and, for overridden values, the flag or variable:
 * {@code listen.tls.port (from flag --tls-port): 70000 (expected: 0-65535, 0 for an ephemeral port)}.
 */
public final class ConfigLoader {

    private static final String DEFAULT_CONFIG_RESOURCE = "/default-config.json";

    /** The embedded configurations a file overlays. */
    public enum Embedded {
        /** {@code default-config.json}: loopback stand-in addresses (127.10.0.0/16 for Azure's 10.0.0.0/16). */
        LOOPBACK(DEFAULT_CONFIG_RESOURCE),
        /**
         * {@code netns-config.json}, for {@code gateway --netns}: Azure's documented addresses (vnet1 10.0.0.0/16,
         * {@code contoso-pe} 10.0.0.4, vnet2 10.1.0.0/16 peered with it, vnet3 10.2.0.0/16 unconnected) and TLS on 443.
         */
        NETNS("/netns-config.json");

        private final String resource;

        Embedded(String resource) {
            this.resource = resource;
        }
    }

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigLoader() {
    }

    /**
     * Loads and validates the configuration.
     *
     * @param fileOrNull a JSON file overlaying the embedded defaults, or {@code null}
     * @param flags command-line values by flag name ({@code "tls-port"} or {@code "--tls-port"})
     * @param environment the process environment ({@code System.getenv()}); {@code RELAYSIM_*}
     *                    variables override, {@code HOME} locates the default data directory
     * @throws ConfigException naming the first problem: where, the value, and what was expected
     */
    public static GatewayConfig load(@Nullable Path fileOrNull, Map<String, String> flags,
                                     Map<String, String> environment) throws ConfigException {
        return load(fileOrNull, flags, environment, Embedded.LOOPBACK);
    }

    /** As {@link #load(Path, Map, Map)}, over the {@code embedded} configuration instead of the loopback one. */
    public static GatewayConfig load(@Nullable Path fileOrNull, Map<String, String> flags,
                                     Map<String, String> environment, Embedded embedded) throws ConfigException {
        return loadWithSources(fileOrNull, flags, environment, embedded).config();
    }

    /**
     * As {@link #load(Path, Map, Map, Embedded)}, and where each declared setting's value came from: what
     * {@code gateway --check} shows.
     */
    public static LoadedConfig loadWithSources(@Nullable Path fileOrNull, Map<String, String> flags,
                                               Map<String, String> environment, Embedded embedded)
            throws ConfigException {
        requireNonNull(flags, "flags");
        requireNonNull(environment, "environment");
        ObjectNode tree = defaultTree(requireNonNull(embedded, "embedded"));
        Map<Setting<?>, SettingSource> sources = new LinkedHashMap<>();
        Path fileDirectory = null;
        if (fileOrNull != null) {
            Path file = fileOrNull.toAbsolutePath();
            ObjectNode fileTree = readFile(file);
            merge(tree, fileTree);
            boolean declaresNamespaces = fileTree.hasNonNull("namespaces");
            if (declaresNamespaces && !fileTree.hasNonNull("defaultNamespace")) {
                tree.remove("defaultNamespace");
            }
            if (fileTree.hasNonNull("dataDirectory")) {
                fileDirectory = file.getParent();
            }
            for (Setting<?> setting : GatewaySettings.ALL) {
                if (isSet(fileTree, setting)) {
                    sources.put(setting, SettingSource.FILE);
                }
            }
        }
        for (Setting<?> setting : GatewaySettings.withFlags()) {
            String variable = setting.environmentVariable().orElseThrow();
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                set(tree, setting, value.strip());
                sources.put(setting, SettingSource.ENVIRONMENT);
            }
        }
        Map<String, Setting<?>> byFlag = new LinkedHashMap<>();
        GatewaySettings.withFlags().forEach(setting -> byFlag.put(setting.flag(), setting));
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            String key = requireNonNull(flag.getKey(), "flag name");
            String name = key.startsWith("--") ? key.substring(2) : key;
            Setting<?> setting = byFlag.get(name);
            if (setting == null) {
                throw new ConfigException("--" + name + ": unknown flag (expected: one of "
                        + byFlag.keySet().stream().map(known -> "--" + known).collect(Collectors.joining(", "))
                        + ')');
            }
            if (flag.getValue() != null) {
                set(tree, setting, flag.getValue());
                sources.put(setting, SettingSource.FLAG);
            }
        }
        if (sources.get(GatewaySettings.DATA_DIRECTORY) == SettingSource.ENVIRONMENT
                || sources.get(GatewaySettings.DATA_DIRECTORY) == SettingSource.FLAG) {
            fileDirectory = null;
        }
        Map<String, String> described = new HashMap<>();
        sources.forEach((setting, source) -> {
            if (source == SettingSource.ENVIRONMENT) {
                described.put(setting.path(), "environment variable " + setting.environmentVariable().orElseThrow());
            } else if (source == SettingSource.FLAG) {
                described.put(setting.path(), "flag --" + setting.flag());
            }
        });
        GatewayConfig config = new ConfigBinder(described, fileDirectory, DevDefaults.homeDirectory(environment))
                .bind(tree);
        Map<Setting<?>, SettingSource> all = new LinkedHashMap<>();
        GatewaySettings.ALL.forEach(setting -> all.put(setting, sources.getOrDefault(setting, SettingSource.DEFAULT)));
        return new LoadedConfig(config, all);
    }

    /**
     * Namespaces in the configuration file's shape (a JSON array like {@code namespaces}, without private endpoints):
     * how the management API's saved namespaces are read back, with the same checks and messages.
     *
     * @param path the JSON path for messages, such as {@code namespaces}
     */
    public static List<NamespaceConfig> namespaces(JsonNode array, String path) throws ConfigException {
        return new ConfigBinder(Map.of(), null, Path.of("")).namespaces(array, path);
    }

    /** The embedded {@code default-config.json} alone, with the data directory under the user's home. */
    public static GatewayConfig defaults() {
        try {
            return load(null, Map.of(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded " + DEFAULT_CONFIG_RESOURCE + " is invalid: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The declared settings' defaults overlaid by the {@code embedded} configuration: what a file overlays.
     */
    static ObjectNode defaultTree(Embedded embedded) {
        ObjectNode tree = MAPPER.createObjectNode();
        for (Setting<?> setting : GatewaySettings.ALL) {
            if (setting.defaultValue() != null) {
                parentOf(tree, setting).set(last(setting), MAPPER.valueToTree(setting.defaultValue()));
            }
        }
        merge(tree, readEmbedded(embedded.resource));
        return tree;
    }

    private static ObjectNode readEmbedded(String resource) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded " + resource, e);
        }
    }

    private static ObjectNode readFile(Path file) throws ConfigException {
        JsonNode tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = MAPPER.readTree(in);
        } catch (JacksonException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? ""
                    : ": line " + location.getLineNr() + ", column " + location.getColumnNr();
            String problem = e.getOriginalMessage().lines().findFirst().orElse("malformed");
            throw new ConfigException(file + where + ": " + problem + " (expected: valid JSON)", e);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (expected: a JSON configuration file)", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e + " (expected: a readable JSON configuration file)", e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException(file + ": empty (expected: a JSON object)");
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (expected: a JSON object at the top level)");
        }
        return (ObjectNode) tree;
    }

    /**
     * Overlays {@code overlay} onto {@code base}: objects merge field by field, anything else replaces, null is
     * skipped.
     */
    private static void merge(ObjectNode base, ObjectNode overlay) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode && value instanceof ObjectNode) {
                merge((ObjectNode) existing, (ObjectNode) value);
            } else {
                base.set(field.getKey(), value.deepCopy());
            }
        }
    }

    /** Whether {@code tree} (a file) sets {@code setting} to something other than null. */
    private static boolean isSet(JsonNode tree, Setting<?> setting) {
        JsonNode node = tree;
        for (String segment : setting.segments()) {
            node = node.path(segment);
        }
        return !node.isMissingNode() && !node.isNull();
    }

    /**
     * Sets a flag's or variable's value, typed when the text parses (so the binder sees a JSON number or boolean) and
     * as text otherwise (so the binder reports the value as given, or reads units such as {@code 16MiB}).
     */
    private static void set(ObjectNode root, Setting<?> setting, String value) {
        parentOf(root, setting).set(last(setting), typed(setting.type(), value));
    }

    private static ObjectNode parentOf(ObjectNode root, Setting<?> setting) {
        List<String> segments = setting.segments();
        ObjectNode parent = root;
        for (String segment : segments.subList(0, segments.size() - 1)) {
            JsonNode child = parent.get(segment);
            if (!(child instanceof ObjectNode)) {
                child = parent.putObject(segment);
            }
            parent = (ObjectNode) child;
        }
        return parent;
    }

    private static String last(Setting<?> setting) {
        List<String> segments = setting.segments();
        return segments.get(segments.size() - 1);
    }

    private static JsonNode typed(SettingType<?> type, String value) {
        String trimmed = value.strip();
        return switch (type.json()) {
            case BOOLEAN -> trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")
                    ? BooleanNode.valueOf(Boolean.parseBoolean(trimmed)) : TextNode.valueOf(value);
            case INTEGER, SIZE -> trimmed.matches("-?\\d{1,9}")
                    ? IntNode.valueOf(Integer.parseInt(trimmed)) : TextNode.valueOf(value);
            case TEXT, DURATION -> TextNode.valueOf(value);
        };
    }
}
