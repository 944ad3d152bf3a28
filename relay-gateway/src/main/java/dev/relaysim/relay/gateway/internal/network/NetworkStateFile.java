package dev.relaysim.relay.gateway.internal.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.config.DataFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.ConnectionStatus;

/**
 * The management API's changes to the {@link NetworkModel}, kept in {@value #FILE_NAME} under the data directory so
 * that they survive a restart: a versioned JSON document holding the whole model (virtual networks; per namespace
 * its network rule set, public network access and private endpoints with their connection states).
 *
 * <p>{@link #write} replaces the file atomically (a temporary file in the same directory, forced to disk, then
 * {@code ATOMIC_MOVE}, see {@link DataFiles#replace}), so a crash leaves the old document or the new one, never half of
 * one. {@link #read} validates the document completely; a broken one is an {@link IOException} naming the file and the
 * JSON path, since starting without it would silently drop the saved state.
 */
public final class NetworkStateFile {

    /** The file's name in the data directory. */
    public static final String FILE_NAME = "network-state.json";
    /** The version of the document's layout; {@link #read} refuses others. */
    public static final int VERSION = 1;

    private static final JsonMapper MAPPER = DataFiles.MAPPER;

    private final Path file;

    /** The state file of {@code dataDirectory}. */
    public NetworkStateFile(Path dataDirectory) {
        file = requireNonNull(dataDirectory, "dataDirectory").resolve(FILE_NAME);
    }

    public Path path() {
        return file;
    }

    /**
     * The saved model, or empty when nothing was saved yet.
     *
     * @param namespaces the configured namespaces: the document may name no others
     * @throws IOException naming the file and the JSON path when the document is unreadable or invalid
     */
    public Optional<NetworkModel> read(Set<String> namespaces) throws IOException {
        requireNonNull(namespaces, "namespaces");
        Optional<JsonNode> document = DataFiles.readJson(file);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(model(document.get(), namespaces));
        } catch (IllegalArgumentException e) {
            throw broken(": " + e.getMessage(), e);
        }
    }

    /**
     * The model of a document in this file's form (the cluster shares the same form).
     *
     * @param namespaces the namespaces there are: the document may name no others
     * @throws IllegalArgumentException naming the JSON path and the problem when the document is invalid
     */
    public static NetworkModel model(JsonNode document, Set<String> namespaces) {
        requireNonNull(document, "document");
        requireNonNull(namespaces, "namespaces");
        Node top = new Node("", document);
        top.requireObject("version", "virtualNetworks", "namespaces");
        int version = top.field("version").integer();
        if (version != VERSION) {
            throw top.field("version").error(version + " (expected: " + VERSION
                    + ", the version this relaysim writes)");
        }
        List<VirtualNetwork> networks = top.field("virtualNetworks").list(NetworkStateFile::virtualNetwork);
        List<NamespaceNetwork> namespaceNetworks = top.field("namespaces").list(node -> {
            NamespaceNetwork network = namespace(node);
            if (namespaces.stream().noneMatch(name -> name.equalsIgnoreCase(network.namespace()))) {
                throw node.field("namespace").error('"' + network.namespace() + "\" (expected: a namespace of "
                        + "the configuration: " + namespaces + ')');
            }
            return network;
        });
        return new NetworkModel(networks, namespaceNetworks);
    }

    /**
     * Replaces the saved document with {@code model}.
     *
     * @throws UncheckedIOException when the file cannot be written; the old document stays
     */
    public void write(NetworkModel model) {
        try {
            DataFiles.replace(file, MAPPER.writeValueAsBytes(document(model)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the network state to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The document {@link #write} saves for {@code model} (the cluster shares the same form). */
    public static ObjectNode document(NetworkModel model) {
        requireNonNull(model, "model");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode networks = root.putArray("virtualNetworks");
        for (VirtualNetwork network : model.virtualNetworks()) {
            ObjectNode node = networks.addObject();
            node.put("name", network.name());
            node.put("region", network.region());
            prefixes(node.putArray("addressPrefixes"), network.addressPrefixes());
            ArrayNode subnets = node.putArray("subnets");
            for (Subnet subnet : network.subnets()) {
                subnets.addObject().put("name", subnet.name()).put("addressPrefix", subnet.addressPrefix().toString());
            }
            prefixes(node.putArray("connectedNetworks"), network.connectedNetworks());
            node.put("privateDnsZoneLinked", network.privateDnsZoneLinked());
        }
        ArrayNode namespaces = root.putArray("namespaces");
        for (NamespaceNetwork namespace : model.namespaces()) {
            ObjectNode node = namespaces.addObject();
            node.put("namespace", namespace.namespace());
            NetworkRuleSet rules = namespace.ruleSet();
            ObjectNode ruleSet = node.putObject("ruleSet");
            ruleSet.put("publicNetworkAccess", rules.publicNetworkAccess().wireName());
            ruleSet.put("defaultAction", rules.defaultAction().wireName());
            prefixes(ruleSet.putArray("ipRules"), rules.ipRules());
            ruleSet.put("trustedServiceAccessEnabled", rules.trustedServiceAccessEnabled());
            ArrayNode endpoints = node.putArray("privateEndpoints");
            for (PrivateEndpoint endpoint : namespace.privateEndpoints()) {
                endpoints.addObject()
                        .put("name", endpoint.name())
                        .put("region", endpoint.region())
                        .put("virtualNetwork", endpoint.virtualNetwork())
                        .put("subnet", endpoint.subnet())
                        .put("privateIpAddress", endpoint.privateIpAddress().getHostAddress())
                        .put("status", endpoint.status().wireName())
                        .put("description", endpoint.description())
                        .put("manualApproval", endpoint.manualApproval())
                        .put("privateDnsZoneGroup", endpoint.privateDnsZoneGroup());
            }
        }
        return root;
    }

    private static void prefixes(ArrayNode array, List<Ipv4Prefix> prefixes) {
        prefixes.forEach(prefix -> array.add(prefix.toString()));
    }

    private IOException broken(String problem, Exception cause) {
        return new IOException(file + problem + DataFiles.REFUSAL, cause);
    }

    private static VirtualNetwork virtualNetwork(Node node) {
        node.requireObject("name", "region", "addressPrefixes", "subnets", "connectedNetworks",
                "privateDnsZoneLinked");
        String name = node.field("name").text();
        return node.construct(() -> new VirtualNetwork(name, node.field("region").text(),
                node.field("addressPrefixes").list(Node::prefix),
                node.field("subnets").list(subnet -> {
                    subnet.requireObject("name", "addressPrefix");
                    return subnet.construct(() -> new Subnet(subnet.field("name").text(),
                            subnet.field("addressPrefix").prefix()));
                }),
                node.field("connectedNetworks").list(Node::prefix),
                node.field("privateDnsZoneLinked").bool()));
    }

    private static NamespaceNetwork namespace(Node node) {
        node.requireObject("namespace", "ruleSet", "privateEndpoints");
        String name = node.field("namespace").text();
        Node rules = node.field("ruleSet");
        rules.requireObject("publicNetworkAccess", "defaultAction", "ipRules", "trustedServiceAccessEnabled");
        NetworkRuleSet ruleSet = rules.construct(() -> new NetworkRuleSet(
                rules.field("publicNetworkAccess").parsed(PublicNetworkAccess::fromWireName),
                rules.field("defaultAction").parsed(DefaultAction::fromWireName),
                rules.field("ipRules").list(Node::prefix),
                rules.field("trustedServiceAccessEnabled").bool()));
        List<PrivateEndpoint> endpoints = node.field("privateEndpoints").list(endpoint -> {
            endpoint.requireObject("name", "region", "virtualNetwork", "subnet", "privateIpAddress", "status",
                    "description", "manualApproval", "privateDnsZoneGroup");
            return endpoint.construct(() -> new PrivateEndpoint(endpoint.field("name").text(),
                    endpoint.field("region").text(), endpoint.field("virtualNetwork").text(),
                    endpoint.field("subnet").text(), endpoint.field("privateIpAddress").ipv4Address(),
                    endpoint.field("status").parsed(ConnectionStatus::fromWireName),
                    endpoint.field("description").text(), endpoint.field("manualApproval").bool(),
                    endpoint.field("privateDnsZoneGroup").bool()));
        });
        return node.construct(() -> new NamespaceNetwork(name, ruleSet, endpoints));
    }

    /** A JSON value and its path in the document, for error messages such as {@code namespaces[0].ruleSet: ...}. */
    private record Node(String path, JsonNode json) {

        IllegalArgumentException error(String problem) {
            return new PathedException((path.isEmpty() ? "the document" : path) + ": " + problem, null);
        }

        /** Requires an object with exactly the fields {@code names}. */
        void requireObject(String... names) {
            if (!json.isObject()) {
                throw error(shown() + " (expected: a JSON object)");
            }
            for (Iterator<String> fields = json.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!List.of(names).contains(field)) {
                    throw error("unknown field \"" + field + "\" (expected: " + String.join(", ", names) + ')');
                }
            }
            for (String name : names) {
                if (!json.has(name)) {
                    throw error("missing field \"" + name + '"');
                }
            }
        }

        Node field(String name) {
            return new Node(path.isEmpty() ? name : path + '.' + name, json.get(name));
        }

        String text() {
            if (!json.isTextual()) {
                throw error(shown() + " (expected: a string)");
            }
            return json.textValue();
        }

        int integer() {
            if (!json.isInt()) {
                throw error(shown() + " (expected: an integer)");
            }
            return json.intValue();
        }

        boolean bool() {
            if (!json.isBoolean()) {
                throw error(shown() + " (expected: true or false)");
            }
            return json.booleanValue();
        }

        Ipv4Prefix prefix() {
            return parsed(Ipv4Prefix::parse);
        }

        Inet4Address ipv4Address() {
            return parsed(text -> {
                if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    throw new IllegalArgumentException('"' + text + "\" (expected: an IPv4 address)");
                }
                try {
                    return (Inet4Address) InetAddress.getByName(text);
                } catch (IOException e) {
                    throw new IllegalArgumentException('"' + text + "\" (expected: an IPv4 address)", e);
                }
            });
        }

        /** The text parsed by {@code parser}, whose {@link IllegalArgumentException} gets this path. */
        <T> T parsed(Function<String, T> parser) {
            String text = text();
            return construct(() -> parser.apply(text));
        }

        <T> List<T> list(Function<Node, T> element) {
            if (!json.isArray()) {
                throw error(shown() + " (expected: a JSON array)");
            }
            List<T> items = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                items.add(element.apply(new Node(path + '[' + i + ']', json.get(i))));
            }
            return items;
        }

        /** Runs a constructor or parser; its {@link IllegalArgumentException} is reported at this path. */
        <T> T construct(Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (PathedException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new PathedException(path.isEmpty() ? e.getMessage() : path + ": " + e.getMessage(), e);
            }
        }

        String shown() {
            return json == null ? "null" : json.isTextual() ? '"' + json.textValue() + '"'
                    : json.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }

    /** An {@link IllegalArgumentException} whose message already names its path. */
    private static final class PathedException extends IllegalArgumentException {

        PathedException(String message, IllegalArgumentException cause) {
            super(message, cause);
        }
    }
}
