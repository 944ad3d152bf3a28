package dev.relaysim.relay.gateway.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.ConfigException;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.DataFiles;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The management API's namespaces, hybrid connections and rules (with their keys), kept in {@value #FILE_NAME} under
 * the data directory so that they survive a restart: {@code {"version": 1, "namespaces": [...]}}, each namespace in
 * the configuration file's shape without network settings (those are the {@code network-state.json}'s). Written
 * atomically ({@link DataFiles#replace}); read with the configuration's own checks, so a broken document is an
 * {@link IOException} naming the file, the JSON path and the value.
 */
public final class NamespaceStateFile {

    /** The file's name in the data directory. */
    public static final String FILE_NAME = "namespaces-state.json";
    /** The version of the document's layout; {@link #read} refuses others. */
    public static final int VERSION = 1;

    private final Path file;

    /** The namespace state file of {@code dataDirectory}. */
    public NamespaceStateFile(Path dataDirectory) {
        file = requireNonNull(dataDirectory, "dataDirectory").resolve(FILE_NAME);
    }

    public Path path() {
        return file;
    }

    /**
     * The saved namespaces, or empty when nothing was saved yet.
     *
     * @throws IOException naming the file, the JSON path and the problem when the document is unreadable or invalid
     */
    public Optional<List<NamespaceConfig>> read() throws IOException {
        Optional<JsonNode> document = DataFiles.readJson(file);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(namespaces(document.get()));
        } catch (IllegalArgumentException e) {
            throw broken(": " + e.getMessage(), e);
        }
    }

    /**
     * The namespaces of a document in this file's form (the cluster shares the same form).
     *
     * @throws IllegalArgumentException naming the JSON path and the problem when the document is invalid
     */
    public static List<NamespaceConfig> namespaces(JsonNode document) {
        requireNonNull(document, "document");
        if (!document.isObject()) {
            throw new IllegalArgumentException(document.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " (expected: a JSON object with version and namespaces)");
        }
        JsonNode version = document.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("version: " + version + " (expected: " + VERSION
                    + ", the version this relaysim writes)");
        }
        JsonNode namespaces = document.get("namespaces");
        if (namespaces == null || !namespaces.isArray() || namespaces.isEmpty()) {
            throw new IllegalArgumentException("namespaces: " + namespaces
                    + " (expected: an array of at least one namespace)");
        }
        try {
            return ConfigLoader.namespaces(namespaces, "namespaces");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Replaces the saved document with {@code namespaces}.
     *
     * @throws UncheckedIOException when the file cannot be written; the old document stays
     */
    public void write(List<NamespaceConfig> namespaces) {
        try {
            DataFiles.replace(file, DataFiles.MAPPER.writeValueAsBytes(document(namespaces)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the namespaces to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The document {@link #write} saves for {@code namespaces} (the cluster shares the same form). */
    public static ObjectNode document(List<NamespaceConfig> namespaces) {
        requireNonNull(namespaces, "namespaces");
        ObjectNode root = DataFiles.MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode array = root.putArray("namespaces");
        for (NamespaceConfig namespace : namespaces) {
            ObjectNode node = array.addObject();
            node.put("name", namespace.name());
            node.put("hostName", namespace.hostName());
            node.put("region", namespace.region());
            rules(node.putArray("authorizationRules"), namespace.authorizationRules());
            ArrayNode entities = node.putArray("hybridConnections");
            for (HybridConnectionConfig entity : namespace.hybridConnections()) {
                ObjectNode entityNode = entities.addObject();
                entityNode.put("name", entity.name());
                entityNode.put("requiresClientAuthorization", entity.requiresClientAuthorization());
                entityNode.put("userMetadata", entity.userMetadata());
                rules(entityNode.putArray("authorizationRules"), entity.authorizationRules());
            }
        }
        return root;
    }

    private static void rules(ArrayNode array, List<AuthorizationRuleConfig> rules) {
        for (AuthorizationRuleConfig rule : rules) {
            ObjectNode node = array.addObject();
            node.put("name", rule.name());
            node.put("primaryKey", rule.primaryKey());
            node.put("secondaryKey", rule.secondaryKey());
            ArrayNode rights = node.putArray("rights");
            rule.rights().stream().map(AccessRight::wireName).forEach(rights::add);
            node.put("trustedService", rule.trustedService());
        }
    }

    private IOException broken(String problem, Exception cause) {
        return new IOException(file + problem + DataFiles.REFUSAL, cause);
    }
}
