package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.connection.DevDefaults;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;

/**
 * Turns the merged JSON tree into validated records. Every error names the JSON path, the value and
 * what was expected, plus the flag or environment variable when one set the value.
 */
final class ConfigBinder {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|kib|mib)?");
    private static final String SIZE_EXPECTED = "a size in bytes such as 16777216, 64KiB or 16MiB, "
            + ProtocolSettings.MIN_MESSAGE_SIZE + '-' + ProtocolSettings.MAX_MESSAGE_SIZE + " bytes";

    private final Map<String, String> sources;
    private final Path fileDirectory;
    private final Path homeDirectory;

    /**
     * @param sources JSON path to "flag --x" or "environment variable RELAYSIM_X" for overridden values
     * @param fileDirectory the directory a relative {@code dataDirectory} from the file resolves
     *                      against, or {@code null} when the file did not set it
     * @param homeDirectory where {@code ~} points and the default data directory lives
     */
    ConfigBinder(Map<String, String> sources, Path fileDirectory, Path homeDirectory) {
        this.sources = sources;
        this.fileDirectory = fileDirectory;
        this.homeDirectory = homeDirectory;
    }

    GatewayConfig bind(JsonNode tree) throws ConfigException {
        Node root = new Node("", tree);
        root.requireObject("listen", "protocol", "dataDirectory", "defaultNamespace", "namespaces");
        ListenSettings listen = listen(root.field("listen"));
        ProtocolSettings protocol = protocol(root.field("protocol"));
        Path dataDirectory = dataDirectory(root.field("dataDirectory"));
        List<NamespaceConfig> namespaces = new ArrayList<>();
        for (Node element : root.field("namespaces").elements()) {
            namespaces.add(namespace(element));
        }
        Node defaultNamespaceNode = root.field("defaultNamespace");
        String defaultNamespace = defaultNamespaceNode.present() ? defaultNamespaceNode.text()
                : namespaces.isEmpty() ? "" : namespaces.get(0).name();
        return construct(root, () -> new GatewayConfig(listen, protocol, dataDirectory, defaultNamespace, namespaces));
    }

    private ListenSettings listen(Node listen) throws ConfigException {
        listen.requireObject("bindAddress", "tls", "plain", "rendezvousPorts");
        Node tls = listen.field("tls");
        tls.requireObject("enabled", "port");
        Node plain = listen.field("plain");
        plain.requireObject("enabled", "port");
        String bindAddress = listen.field("bindAddress").text();
        boolean tlsEnabled = tls.field("enabled").bool();
        int tlsPort = tls.field("port").integer();
        boolean plainEnabled = plain.field("enabled").bool();
        int plainPort = plain.field("port").integer();
        Node rangeNode = listen.field("rendezvousPorts");
        PortRange rendezvousPorts;
        try {
            rendezvousPorts = PortRange.parse(rangeNode.text());
        } catch (IllegalArgumentException e) {
            throw rangeNode.error(rangeNode.shown() + detailOf(e));
        }
        return construct(listen, () -> new ListenSettings(bindAddress, tlsEnabled, tlsPort, plainEnabled, plainPort,
                rendezvousPorts));
    }

    private ProtocolSettings protocol(Node protocol) throws ConfigException {
        protocol.requireObject("rendezvousTimeout", "handshakeTimeout", "maxMessageSize",
                "maxListenersPerEndpoint", "shutdownTimeout");
        Duration rendezvousTimeout = protocol.field("rendezvousTimeout").duration();
        Duration handshakeTimeout = protocol.field("handshakeTimeout").duration();
        int maxMessageSize = protocol.field("maxMessageSize").size();
        int maxListeners = protocol.field("maxListenersPerEndpoint").integer();
        Duration shutdownTimeout = protocol.field("shutdownTimeout").duration();
        return construct(protocol, () -> new ProtocolSettings(rendezvousTimeout, handshakeTimeout, maxMessageSize,
                maxListeners, shutdownTimeout));
    }

    private Path dataDirectory(Node node) throws ConfigException {
        if (!node.present()) {
            return homeDirectory.resolve(DevDefaults.DATA_DIRECTORY_NAME).toAbsolutePath();
        }
        String text = node.text();
        if (text.isBlank()) {
            throw node.error(node.shown() + " (expected: a directory path)");
        }
        try {
            Path path;
            if (text.equals("~")) {
                path = homeDirectory;
            } else if (text.startsWith("~/")) {
                path = homeDirectory.resolve(text.substring(2));
            } else {
                path = Path.of(text);
            }
            if (!path.isAbsolute() && fileDirectory != null) {
                path = fileDirectory.resolve(path);
            }
            return path.toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw node.error(node.shown() + " (expected: a directory path; " + e.getReason() + ')');
        }
    }

    private NamespaceConfig namespace(Node namespace) throws ConfigException {
        namespace.requireObject("name", "hostName", "authorizationRules", "hybridConnections");
        String name = namespace.field("name").text();
        Node hostNode = namespace.field("hostName");
        String hostName = hostNode.present() ? hostNode.text() : null;
        List<AuthorizationRuleConfig> rules = rules(namespace.field("authorizationRules"));
        List<HybridConnectionConfig> hybridConnections = new ArrayList<>();
        Node hybridConnectionsNode = namespace.field("hybridConnections");
        if (hybridConnectionsNode.present()) {
            for (Node element : hybridConnectionsNode.elements()) {
                hybridConnections.add(hybridConnection(element));
            }
        }
        return construct(namespace, () -> new NamespaceConfig(name, hostName, rules, hybridConnections));
    }

    private HybridConnectionConfig hybridConnection(Node hybridConnection) throws ConfigException {
        hybridConnection.requireObject("name", "requiresClientAuthorization", "authorizationRules");
        String name = hybridConnection.field("name").text();
        Node requiresNode = hybridConnection.field("requiresClientAuthorization");
        boolean requiresClientAuthorization = !requiresNode.present() || requiresNode.bool();
        List<AuthorizationRuleConfig> rules = rules(hybridConnection.field("authorizationRules"));
        return construct(hybridConnection, () -> new HybridConnectionConfig(name, requiresClientAuthorization, rules));
    }

    private List<AuthorizationRuleConfig> rules(Node rules) throws ConfigException {
        List<AuthorizationRuleConfig> result = new ArrayList<>();
        if (!rules.present()) {
            return result;
        }
        for (Node rule : rules.elements()) {
            rule.requireObject("name", "primaryKey", "secondaryKey", "rights");
            String name = rule.field("name").text();
            String primaryKey = rule.field("primaryKey").text();
            Node secondaryNode = rule.field("secondaryKey");
            String secondaryKey = secondaryNode.present() ? secondaryNode.text() : primaryKey;
            Set<AccessRight> rights = EnumSet.noneOf(AccessRight.class);
            for (Node right : rule.field("rights").elements()) {
                String text = right.text();
                try {
                    rights.add(AccessRight.fromWireName(text));
                } catch (IllegalArgumentException e) {
                    throw right.error(quote(text) + " (expected: Listen, Send or Manage)");
                }
            }
            result.add(construct(rule, () -> new AuthorizationRuleConfig(name, primaryKey, secondaryKey, rights)));
        }
        return result;
    }

    /** Builds a record, turning its "field: value (expected: ...)" message into one with the full path. */
    private <T> T construct(Node node, Supplier<T> constructor) throws ConfigException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            String relative = colon < 0 ? "" : message.substring(0, colon);
            String rest = colon < 0 ? ": " + message : message.substring(colon);
            String path = node.path.isEmpty() ? relative : relative.isEmpty() ? node.path : node.path + '.' + relative;
            throw new ConfigException(path + sourceOf(path) + rest, e);
        }
    }

    private String sourceOf(String path) {
        String source = sources.get(path);
        return source == null ? "" : " (from " + source + ')';
    }

    /** " (expected: ...)" out of a message "value (expected: ...)". */
    private static String detailOf(IllegalArgumentException e) {
        String message = e.getMessage();
        int expected = message.indexOf(" (expected: ");
        return expected < 0 ? " (" + message + ')' : message.substring(expected);
    }

    /** A JSON value and its path, such as {@code namespaces[0].hybridConnections[1].name}. */
    private final class Node {

        final String path;
        final JsonNode json;

        Node(String path, JsonNode json) {
            this.path = path;
            this.json = json;
        }

        boolean present() {
            return json != null && !json.isNull() && !json.isMissingNode();
        }

        Node field(String name) {
            return new Node(path.isEmpty() ? name : path + '.' + name, json == null ? null : json.get(name));
        }

        /** Requires a JSON object whose field names are all in {@code allowed}. */
        void requireObject(String... allowed) throws ConfigException {
            require("an object with the fields " + String.join(", ", allowed));
            if (!json.isObject()) {
                throw error(shown() + " (expected: an object with the fields " + String.join(", ", allowed) + ')');
            }
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!List.of(allowed).contains(name)) {
                    throw field(name).error("unknown field (expected: one of " + String.join(", ", allowed) + ')');
                }
            }
        }

        List<Node> elements() throws ConfigException {
            require("an array");
            if (!json.isArray()) {
                throw error(shown() + " (expected: an array)");
            }
            List<Node> elements = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                elements.add(new Node(path + '[' + i + ']', json.get(i)));
            }
            return elements;
        }

        String text() throws ConfigException {
            require("a string");
            if (!json.isTextual()) {
                throw error(shown() + " (expected: a string)");
            }
            return json.textValue();
        }

        boolean bool() throws ConfigException {
            require("true or false");
            if (!json.isBoolean()) {
                throw error(shown() + " (expected: true or false)");
            }
            return json.booleanValue();
        }

        int integer() throws ConfigException {
            require("an integer");
            if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                throw error(shown() + " (expected: an integer)");
            }
            return json.intValue();
        }

        Duration duration() throws ConfigException {
            require(Durations.EXPECTED);
            Duration duration = json.isTextual() ? Durations.parse(json.textValue()) : null;
            if (duration == null) {
                throw error(shown() + " (expected: " + Durations.EXPECTED + ')');
            }
            return duration;
        }

        /** Bytes: a JSON integer, or a string with an optional unit B, KiB or MiB. */
        int size() throws ConfigException {
            require(SIZE_EXPECTED);
            if (json.isIntegralNumber() && json.canConvertToInt()) {
                return json.intValue();
            }
            Matcher matcher = json.isTextual() ? SIZE.matcher(json.textValue().strip().toLowerCase(Locale.ROOT)) : null;
            if (matcher == null || !matcher.matches()) {
                throw error(shown() + " (expected: " + SIZE_EXPECTED + ')');
            }
            long bytes = Long.parseLong(matcher.group(1));
            if ("kib".equals(matcher.group(2))) {
                bytes *= 1024;
            } else if ("mib".equals(matcher.group(2))) {
                bytes *= 1024 * 1024;
            }
            if (bytes > Integer.MAX_VALUE) {
                throw error(shown() + " (expected: " + SIZE_EXPECTED + ')');
            }
            return (int) bytes;
        }

        String shown() {
            return json == null ? "missing" : json.toString();
        }

        ConfigException error(String detail) {
            return new ConfigException(path + sourceOf(path) + ": " + detail);
        }

        private void require(String expected) throws ConfigException {
            if (!present()) {
                throw error("missing (expected: " + expected + ')');
            }
        }
    }
}
