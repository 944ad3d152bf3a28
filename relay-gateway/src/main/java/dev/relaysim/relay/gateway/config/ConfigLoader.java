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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads the gateway configuration: the embedded {@code default-config.json}, overlaid by a JSON
 * file, then by environment variables, then by command-line flags (flag &gt; environment &gt; file
 * &gt; default). The JSON schema is described in the {@linkplain dev.relaysim.relay.gateway.config
 * package documentation}.
 *
 * <p>The file is merged into the defaults object by object: a field the file leaves out keeps its
 * default, an array (such as {@code namespaces}) replaces the default one, and a JSON {@code null}
 * counts as left out. A file that declares {@code namespaces} without {@code defaultNamespace}
 * makes its first namespace the default one.
 *
 * <p>Flags, named without the leading {@code --} (as picocli's option names minus the dashes), and
 * their environment variables {@code RELAYSIM_<FLAG_IN_UPPER_SNAKE>}:
 * <table>
 *   <caption>overrides</caption>
 *   <tr><th>flag</th><th>environment</th><th>JSON path</th></tr>
 *   <tr><td>bind-address</td><td>RELAYSIM_BIND_ADDRESS</td><td>listen.bindAddress</td></tr>
 *   <tr><td>tls</td><td>RELAYSIM_TLS</td><td>listen.tls.enabled ({@code true}/{@code false})</td></tr>
 *   <tr><td>tls-port</td><td>RELAYSIM_TLS_PORT</td><td>listen.tls.port</td></tr>
 *   <tr><td>plain</td><td>RELAYSIM_PLAIN</td><td>listen.plain.enabled</td></tr>
 *   <tr><td>plain-port</td><td>RELAYSIM_PLAIN_PORT</td><td>listen.plain.port</td></tr>
 *   <tr><td>rendezvous-ports</td><td>RELAYSIM_RENDEZVOUS_PORTS</td><td>listen.rendezvousPorts</td></tr>
 *   <tr><td>management</td><td>RELAYSIM_MANAGEMENT</td><td>listen.management.enabled</td></tr>
 *   <tr><td>management-port</td><td>RELAYSIM_MANAGEMENT_PORT</td><td>listen.management.port</td></tr>
 *   <tr><td>management-admin-key</td><td>RELAYSIM_MANAGEMENT_ADMIN_KEY</td><td>listen.management.adminKey</td></tr>
 *   <tr><td>dns</td><td>RELAYSIM_DNS</td><td>dns.enabled</td></tr>
 *   <tr><td>dns-bind-address</td><td>RELAYSIM_DNS_BIND_ADDRESS</td><td>dns.bindAddress</td></tr>
 *   <tr><td>dns-port</td><td>RELAYSIM_DNS_PORT</td><td>dns.port</td></tr>
 *   <tr><td>data-dir</td><td>RELAYSIM_DATA_DIR</td><td>dataDirectory</td></tr>
 *   <tr><td>default-namespace</td><td>RELAYSIM_DEFAULT_NAMESPACE</td><td>defaultNamespace</td></tr>
 *   <tr><td>rendezvous-timeout</td><td>RELAYSIM_RENDEZVOUS_TIMEOUT</td><td>protocol.rendezvousTimeout</td></tr>
 *   <tr><td>handshake-timeout</td><td>RELAYSIM_HANDSHAKE_TIMEOUT</td><td>protocol.handshakeTimeout</td></tr>
 *   <tr><td>max-message-size</td><td>RELAYSIM_MAX_MESSAGE_SIZE</td><td>protocol.maxMessageSize</td></tr>
 *   <tr><td>shutdown-timeout</td><td>RELAYSIM_SHUTDOWN_TIMEOUT</td><td>protocol.shutdownTimeout</td></tr>
 *   <tr><td>response-timeout</td><td>RELAYSIM_RESPONSE_TIMEOUT</td><td>protocol.responseTimeout</td></tr>
 *   <tr><td>token-expiry-grace</td><td>RELAYSIM_TOKEN_EXPIRY_GRACE</td><td>protocol.tokenExpiryGrace</td></tr>
 *   <tr><td>max-connections-per-source</td><td>RELAYSIM_MAX_CONNECTIONS_PER_SOURCE</td>
 *       <td>limits.maxConnectionsPerSource</td></tr>
 *   <tr><td>max-pending-rendezvous-per-entity</td><td>RELAYSIM_MAX_PENDING_RENDEZVOUS_PER_ENTITY</td>
 *       <td>limits.maxPendingRendezvousPerEntity</td></tr>
 *   <tr><td>max-relayed-connections-per-namespace</td><td>RELAYSIM_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE</td>
 *       <td>limits.maxRelayedConnectionsPerNamespace</td></tr>
 * </table>
 * A flag with a {@code null} value and an environment variable that is empty or blank count as
 * not set; an unknown flag is an error, other {@code RELAYSIM_*} variables are ignored. Errors
 * name the JSON path and, for overridden values, the flag or variable:
 * {@code listen.tls.port (from flag --tls-port): 70000 (expected: 0-65535, 0 for an ephemeral port)}.
 */
public final class ConfigLoader {

    private static final String DEFAULT_CONFIG_RESOURCE = "/default-config.json";
    private static final String ENVIRONMENT_PREFIX = "RELAYSIM_";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final List<FlagOverride> OVERRIDES = List.of(
            new FlagOverride("bind-address", Kind.TEXT, "listen", "bindAddress"),
            new FlagOverride("tls", Kind.BOOLEAN, "listen", "tls", "enabled"),
            new FlagOverride("tls-port", Kind.INTEGER, "listen", "tls", "port"),
            new FlagOverride("plain", Kind.BOOLEAN, "listen", "plain", "enabled"),
            new FlagOverride("plain-port", Kind.INTEGER, "listen", "plain", "port"),
            new FlagOverride("rendezvous-ports", Kind.TEXT, "listen", "rendezvousPorts"),
            new FlagOverride("management", Kind.BOOLEAN, "listen", "management", "enabled"),
            new FlagOverride("management-port", Kind.INTEGER, "listen", "management", "port"),
            new FlagOverride("management-admin-key", Kind.TEXT, "listen", "management", "adminKey"),
            new FlagOverride("dns", Kind.BOOLEAN, "dns", "enabled"),
            new FlagOverride("dns-bind-address", Kind.TEXT, "dns", "bindAddress"),
            new FlagOverride("dns-port", Kind.INTEGER, "dns", "port"),
            new FlagOverride("data-dir", Kind.TEXT, "dataDirectory"),
            new FlagOverride("default-namespace", Kind.TEXT, "defaultNamespace"),
            new FlagOverride("rendezvous-timeout", Kind.TEXT, "protocol", "rendezvousTimeout"),
            new FlagOverride("handshake-timeout", Kind.TEXT, "protocol", "handshakeTimeout"),
            new FlagOverride("max-message-size", Kind.INTEGER, "protocol", "maxMessageSize"),
            new FlagOverride("shutdown-timeout", Kind.TEXT, "protocol", "shutdownTimeout"),
            new FlagOverride("response-timeout", Kind.TEXT, "protocol", "responseTimeout"),
            new FlagOverride("token-expiry-grace", Kind.TEXT, "protocol", "tokenExpiryGrace"),
            new FlagOverride("max-connections-per-source", Kind.INTEGER, "limits", "maxConnectionsPerSource"),
            new FlagOverride("max-pending-rendezvous-per-entity", Kind.INTEGER, "limits",
                    "maxPendingRendezvousPerEntity"),
            new FlagOverride("max-relayed-connections-per-namespace", Kind.INTEGER, "limits",
                    "maxRelayedConnectionsPerNamespace"));

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
    public static GatewayConfig load(Path fileOrNull, Map<String, String> flags, Map<String, String> environment)
            throws ConfigException {
        requireNonNull(flags, "flags");
        requireNonNull(environment, "environment");
        ObjectNode tree = readDefaults();
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
        }

        Map<String, String> sources = new HashMap<>();
        for (FlagOverride override : OVERRIDES) {
            String value = environment.get(override.environmentVariable());
            if (value != null && !value.isBlank()) {
                override.apply(tree, value.strip());
                sources.put(override.jsonPath(), "environment variable " + override.environmentVariable());
            }
        }
        Map<String, FlagOverride> byFlag = OVERRIDES.stream().collect(Collectors.toMap(FlagOverride::flag, o -> o));
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            String key = requireNonNull(flag.getKey(), "flag name");
            String name = key.startsWith("--") ? key.substring(2) : key;
            FlagOverride override = byFlag.get(name);
            if (override == null) {
                throw new ConfigException("--" + name + ": unknown flag (expected: one of " + OVERRIDES.stream().map(o -> "--" + o.flag())
                        .collect(Collectors.joining(", ")) + ')');
            }
            if (flag.getValue() != null) {
                override.apply(tree, flag.getValue());
                sources.put(override.jsonPath(), "flag --" + override.flag());
            }
        }
        if (sources.containsKey("dataDirectory")) {
            fileDirectory = null;
        }
        return new ConfigBinder(sources, fileDirectory, DevDefaults.homeDirectory(environment)).bind(tree);
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

    private static ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_CONFIG_RESOURCE + " is missing from the class path");
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded " + DEFAULT_CONFIG_RESOURCE, e);
        }
    }

    private static ObjectNode readFile(Path file) throws ConfigException {
        JsonNode tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = MAPPER.readTree(in);
        } catch (JacksonException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : ": line " + location.getLineNr() + ", column " + location.getColumnNr();
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

    /** Overlays {@code overlay} onto {@code base}: objects merge field by field, anything else replaces, null is skipped. */
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

    private enum Kind { TEXT, INTEGER, BOOLEAN }

    /** One flag and its environment variable, and the JSON field they set. */
    private record FlagOverride(String flag, Kind kind, List<String> path) {

        FlagOverride(String flag, Kind kind, String... path) {
            this(flag, kind, List.of(path));
        }

        String environmentVariable() {
            return ENVIRONMENT_PREFIX + flag.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        String jsonPath() {
            return String.join(".", path);
        }

        /**
         * Sets the field, typed when the text parses (so the binder sees a JSON number or boolean) and as
         * text otherwise (so the binder reports the value as given, or reads units such as {@code 16MiB}).
         */
        void apply(ObjectNode root, String value) {
            ObjectNode parent = root;
            for (String segment : path.subList(0, path.size() - 1)) {
                JsonNode child = parent.get(segment);
                if (!(child instanceof ObjectNode)) {
                    child = parent.putObject(segment);
                }
                parent = (ObjectNode) child;
            }
            parent.set(path.get(path.size() - 1), typed(value));
        }

        private JsonNode typed(String value) {
            String trimmed = value.strip();
            return switch (kind) {
                case BOOLEAN -> trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")
                        ? BooleanNode.valueOf(Boolean.parseBoolean(trimmed)) : TextNode.valueOf(value);
                case INTEGER -> trimmed.matches("-?\\d{1,9}") ? IntNode.valueOf(Integer.parseInt(trimmed)) : TextNode.valueOf(value);
                case TEXT -> TextNode.valueOf(value);
            };
        }
    }
}
