package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.dns.DnsFaults;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.rendezvous.RendezvousFaults;

import java.net.Inet4Address;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
        root.requireObject("listen", "protocol", "dataDirectory", "defaultNamespace", "namespaces",
                "virtualNetworks", "dns", "faults", "limits", "events");
        ListenSettings listen = listen(root.field("listen"));
        ProtocolSettings protocol = protocol(root.field("protocol"));
        Path dataDirectory = dataDirectory(root.field("dataDirectory"));
        boolean dataDirectoryExplicit = root.field("dataDirectory").present();
        List<VirtualNetwork> virtualNetworks = new ArrayList<>();
        Node virtualNetworksNode = root.field("virtualNetworks");
        if (virtualNetworksNode.present()) {
            for (Node element : virtualNetworksNode.elements()) {
                virtualNetworks.add(virtualNetwork(element));
            }
        }
        List<Node> namespaceNodes = root.field("namespaces").elements();
        Set<Inet4Address> takenAddresses = staticEndpointAddresses(namespaceNodes);
        List<NamespaceConfig> namespaces = new ArrayList<>();
        for (Node element : namespaceNodes) {
            namespaces.add(namespace(element, virtualNetworks, takenAddresses));
        }
        Node defaultNamespaceNode = root.field("defaultNamespace");
        String defaultNamespace = defaultNamespaceNode.present() ? defaultNamespaceNode.text()
                : namespaces.isEmpty() ? "" : namespaces.get(0).name();
        DnsSettings dns = dns(root.field("dns"));
        Node faultsNode = root.field("faults");
        RendezvousFaults faults = faultsNode.present()
                ? construct(root, () -> RendezvousFaults.fromJson(faultsNode.json, "faults")) : RendezvousFaults.NONE;
        LimitSettings limits = limits(root.field("limits"));
        EventSettings events = events(root.field("events"));
        return construct(root, () -> new GatewayConfig(listen, protocol, dataDirectory, defaultNamespace, namespaces,
                virtualNetworks, dns, faults, limits, dataDirectoryExplicit, events));
    }

    private LimitSettings limits(Node limits) throws ConfigException {
        limits.requireObject("maxConnectionsPerSource", "maxPendingRendezvousPerEntity",
                "maxRelayedConnectionsPerNamespace");
        int perSource = limits.field("maxConnectionsPerSource").integer();
        int pendingPerEntity = limits.field("maxPendingRendezvousPerEntity").integer();
        int relayedPerNamespace = limits.field("maxRelayedConnectionsPerNamespace").integer();
        return construct(limits, () -> new LimitSettings(perSource, pendingPerEntity, relayedPerNamespace));
    }

    private EventSettings events(Node events) throws ConfigException {
        if (!events.present()) {
            return EventSettings.DEFAULTS;
        }
        events.requireObject("capacity", "file");
        Node capacityNode = events.field("capacity");
        int capacity = capacityNode.present() ? capacityNode.integer() : EventSettings.DEFAULT_CAPACITY;
        Node fileNode = events.field("file");
        boolean file = fileNode.present() && fileNode.bool();
        return construct(events, () -> new EventSettings(capacity, file));
    }

    private DnsSettings dns(Node dns) throws ConfigException {
        if (!dns.present()) {
            return DnsSettings.DISABLED;
        }
        dns.requireObject("enabled", "bindAddress", "port", "faults");
        Node enabledNode = dns.field("enabled");
        boolean enabled = !enabledNode.present() || enabledNode.bool();
        Node bindNode = dns.field("bindAddress");
        String bindAddress = bindNode.present() ? bindNode.text() : DnsSettings.DEFAULT_BIND_ADDRESS;
        Node portNode = dns.field("port");
        int port = portNode.present() ? portNode.integer() : DnsSettings.DEFAULT_PORT;
        Node faultsNode = dns.field("faults");
        Map<String, Inet4Address> stale = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        if (faultsNode.present()) {
            faultsNode.requireObject("staleARecords", "missingARecords");
            Node staleNode = faultsNode.field("staleARecords");
            if (staleNode.present()) {
                if (!staleNode.json.isObject()) {
                    throw staleNode.error(staleNode.shown() + " (expected: an object of namespace name to IPv4 "
                            + "address, such as {\"contoso\": \"127.10.0.9\"})");
                }
                for (Iterator<String> names = staleNode.json.fieldNames(); names.hasNext(); ) {
                    String namespace = names.next();
                    stale.put(namespace, ipv4Address(staleNode.field(namespace)));
                }
            }
            Node missingNode = faultsNode.field("missingARecords");
            if (missingNode.present()) {
                for (Node namespace : missingNode.elements()) {
                    missing.add(namespace.text());
                }
            }
        }
        DnsFaults faults = construct(faultsNode, () -> new DnsFaults(stale, Set.copyOf(missing)));
        return construct(dns, () -> new DnsSettings(enabled, bindAddress, port, faults));
    }

    private ListenSettings listen(Node listen) throws ConfigException {
        listen.requireObject("bindAddress", "tls", "plain", "rendezvousPorts", "management");
        Node tls = listen.field("tls");
        tls.requireObject("enabled", "port");
        Node plain = listen.field("plain");
        plain.requireObject("enabled", "port");
        Node management = listen.field("management");
        management.requireObject("enabled", "port", "adminKey");
        String bindAddress = listen.field("bindAddress").text();
        boolean tlsEnabled = tls.field("enabled").bool();
        int tlsPort = tls.field("port").integer();
        boolean plainEnabled = plain.field("enabled").bool();
        int plainPort = plain.field("port").integer();
        boolean managementEnabled = management.field("enabled").bool();
        int managementPort = management.field("port").integer();
        Node adminKeyNode = management.field("adminKey");
        String adminKey = adminKeyNode.present() ? adminKeyNode.text() : ListenSettings.DEFAULT_ADMIN_KEY;
        Node rangeNode = listen.field("rendezvousPorts");
        PortRange rendezvousPorts;
        try {
            rendezvousPorts = PortRange.parse(rangeNode.text());
        } catch (IllegalArgumentException e) {
            throw rangeNode.error(rangeNode.shown() + detailOf(e));
        }
        return construct(listen, () -> new ListenSettings(bindAddress, tlsEnabled, tlsPort, plainEnabled, plainPort,
                rendezvousPorts, managementEnabled, managementPort, adminKey));
    }

    private ProtocolSettings protocol(Node protocol) throws ConfigException {
        protocol.requireObject("rendezvousTimeout", "handshakeTimeout", "maxMessageSize",
                "maxListenersPerEndpoint", "shutdownTimeout", "responseTimeout", "tokenExpiryGrace");
        Duration rendezvousTimeout = protocol.field("rendezvousTimeout").duration();
        Duration handshakeTimeout = protocol.field("handshakeTimeout").duration();
        int maxMessageSize = protocol.field("maxMessageSize").size();
        int maxListeners = protocol.field("maxListenersPerEndpoint").integer();
        Duration shutdownTimeout = protocol.field("shutdownTimeout").duration();
        Duration responseTimeout = protocol.field("responseTimeout").duration();
        Duration tokenExpiryGrace = protocol.field("tokenExpiryGrace").duration();
        return construct(protocol, () -> new ProtocolSettings(rendezvousTimeout, handshakeTimeout, maxMessageSize,
                maxListeners, shutdownTimeout, responseTimeout, tokenExpiryGrace));
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

    /**
     * The namespaces of a saved document, in the configuration file's shape (without private endpoints, which live
     * in the network state).
     */
    List<NamespaceConfig> namespaces(JsonNode array, String path) throws ConfigException {
        Node node = new Node(path, array);
        List<NamespaceConfig> namespaces = new ArrayList<>();
        for (Node element : node.elements()) {
            namespaces.add(namespace(element, List.of(), new HashSet<>()));
        }
        return namespaces;
    }

    private NamespaceConfig namespace(Node namespace, List<VirtualNetwork> virtualNetworks,
                                      Set<Inet4Address> takenAddresses) throws ConfigException {
        namespace.requireObject("name", "hostName", "authorizationRules", "hybridConnections", "region",
                "publicNetworkAccess", "networkRuleSet", "privateEndpoints");
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
        Node regionNode = namespace.field("region");
        String region = regionNode.present() ? regionNode.text() : NamespaceConfig.DEFAULT_REGION;
        NetworkRuleSet ruleSet = networkRuleSet(namespace.field("publicNetworkAccess"),
                namespace.field("networkRuleSet"));
        List<PrivateEndpoint> privateEndpoints = new ArrayList<>();
        Node endpointsNode = namespace.field("privateEndpoints");
        if (endpointsNode.present()) {
            for (Node element : endpointsNode.elements()) {
                privateEndpoints.add(privateEndpoint(element, virtualNetworks, takenAddresses));
            }
        }
        return construct(namespace, () -> new NamespaceConfig(name, hostName, rules, hybridConnections, region,
                ruleSet, privateEndpoints));
    }

    private VirtualNetwork virtualNetwork(Node network) throws ConfigException {
        network.requireObject("name", "region", "addressPrefixes", "subnets", "connectedNetworks",
                "privateDnsZoneLinked");
        String name = network.field("name").text();
        Node regionNode = network.field("region");
        String region = regionNode.present() ? regionNode.text() : NamespaceConfig.DEFAULT_REGION;
        List<Ipv4Prefix> addressPrefixes = prefixes(network.field("addressPrefixes"));
        List<Subnet> subnets = new ArrayList<>();
        Node subnetsNode = network.field("subnets");
        if (subnetsNode.present()) {
            for (Node subnet : subnetsNode.elements()) {
                subnet.requireObject("name", "addressPrefix");
                String subnetName = subnet.field("name").text();
                Ipv4Prefix prefix = prefix(subnet.field("addressPrefix"));
                subnets.add(construct(subnet, () -> new Subnet(subnetName, prefix)));
            }
        }
        Node connectedNode = network.field("connectedNetworks");
        List<Ipv4Prefix> connected = connectedNode.present() ? prefixes(connectedNode) : List.of();
        Node linkedNode = network.field("privateDnsZoneLinked");
        boolean zoneLinked = !linkedNode.present() || linkedNode.bool();
        return construct(network, () -> new VirtualNetwork(name, region, addressPrefixes, subnets, connected,
                zoneLinked));
    }

    private NetworkRuleSet networkRuleSet(Node publicNetworkAccessNode, Node ruleSet) throws ConfigException {
        PublicNetworkAccess publicNetworkAccess = wireName(publicNetworkAccessNode, PublicNetworkAccess::fromWireName,
                PublicNetworkAccess.ENABLED);
        if (!ruleSet.present()) {
            return new NetworkRuleSet(publicNetworkAccess, DefaultAction.ALLOW, List.of(), false);
        }
        ruleSet.requireObject("defaultAction", "ipRules", "trustedServiceAccessEnabled");
        DefaultAction defaultAction = wireName(ruleSet.field("defaultAction"), DefaultAction::fromWireName,
                DefaultAction.ALLOW);
        List<Ipv4Prefix> ipRules = new ArrayList<>();
        Node rulesNode = ruleSet.field("ipRules");
        if (rulesNode.present()) {
            for (Node rule : rulesNode.elements()) {
                rule.requireObject("ipMask", "action");
                Node ruleAction = rule.field("action");
                if (ruleAction.present() && !ruleAction.text().equalsIgnoreCase("Allow")) {
                    throw ruleAction.error(ruleAction.shown() + " (expected: Allow, the only action of IP rules)");
                }
                ipRules.add(prefix(rule.field("ipMask")));
            }
        }
        Node trustedNode = ruleSet.field("trustedServiceAccessEnabled");
        boolean trusted = trustedNode.present() && trustedNode.bool();
        return construct(ruleSet, () -> new NetworkRuleSet(publicNetworkAccess, defaultAction, ipRules, trusted));
    }

    /**
     * A private endpoint; without {@code privateIpAddress} it gets the lowest free address of its subnet, as Azure
     * allocates them, and {@code takenAddresses} grows by it.
     */
    private PrivateEndpoint privateEndpoint(Node endpoint, List<VirtualNetwork> virtualNetworks,
                                            Set<Inet4Address> takenAddresses) throws ConfigException {
        endpoint.requireObject("name", "region", "virtualNetwork", "subnet", "privateIpAddress", "status",
                "description", "manualApproval", "privateDnsZoneGroup");
        String name = endpoint.field("name").text();
        Node networkNode = endpoint.field("virtualNetwork");
        String networkName = networkNode.text();
        VirtualNetwork network = virtualNetworks.stream().filter(n -> n.name().equalsIgnoreCase(networkName))
                .findFirst().orElseThrow(() -> networkNode.error(quote(networkName) + " (expected: one of the "
                        + "virtualNetworks " + virtualNetworks.stream().map(VirtualNetwork::name).toList() + ')'));
        Node subnetNode = endpoint.field("subnet");
        String subnetName = subnetNode.text();
        Subnet subnet = network.subnet(subnetName).orElseThrow(() -> subnetNode.error(quote(subnetName)
                + " (expected: a subnet of " + network.name() + ": "
                + network.subnets().stream().map(Subnet::name).toList() + ')'));
        Node regionNode = endpoint.field("region");
        String region = regionNode.present() ? regionNode.text() : network.region();
        Node manualNode = endpoint.field("manualApproval");
        boolean manualApproval = manualNode.present() && manualNode.bool();
        ConnectionStatus status = wireName(endpoint.field("status"), ConnectionStatus::fromWireName,
                manualApproval ? ConnectionStatus.PENDING : ConnectionStatus.APPROVED);
        Node descriptionNode = endpoint.field("description");
        String description = descriptionNode.present() ? descriptionNode.text()
                : status == ConnectionStatus.APPROVED && !manualApproval ? "Auto-Approved" : "";
        Node addressNode = endpoint.field("privateIpAddress");
        Inet4Address address;
        if (addressNode.present()) {
            address = ipv4Address(addressNode);
        } else {
            address = subnet.allocate(takenAddresses).orElseThrow(() -> addressNode.error("missing (expected: an "
                    + "address, since subnet " + subnet.name() + ' ' + subnet.addressPrefix() + " has no free one)"));
            takenAddresses.add(address);
        }
        Node zoneGroupNode = endpoint.field("privateDnsZoneGroup");
        boolean zoneGroup = !zoneGroupNode.present() || zoneGroupNode.bool();
        return construct(endpoint, () -> new PrivateEndpoint(name, region, network.name(), subnet.name(), address,
                status, description, manualApproval, zoneGroup));
    }

    /** An enum value by its wire name (the parser's message says what was expected), or {@code defaultValue}. */
    private static <T> T wireName(Node node, Function<String, T> parse, T defaultValue) throws ConfigException {
        if (!node.present()) {
            return defaultValue;
        }
        String text = node.text();
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** Every {@code privateIpAddress} the namespaces set, so that allocated addresses avoid them. */
    private Set<Inet4Address> staticEndpointAddresses(List<Node> namespaces) throws ConfigException {
        Set<Inet4Address> taken = new HashSet<>();
        for (Node namespace : namespaces) {
            Node endpoints = namespace.field("privateEndpoints");
            if (namespace.json != null && namespace.json.isObject() && endpoints.present() && endpoints.json.isArray()) {
                for (Node endpoint : endpoints.elements()) {
                    Node address = endpoint.field("privateIpAddress");
                    if (address.present()) {
                        taken.add(ipv4Address(address));
                    }
                }
            }
        }
        return taken;
    }

    private Inet4Address ipv4Address(Node node) throws ConfigException {
        String text = node.text();
        Ipv4Prefix prefix;
        try {
            prefix = Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(quote(text) + " (expected: an IPv4 address such as 10.0.0.4)");
        }
        if (prefix.length() != 32) {
            throw node.error(quote(text) + " (expected: an IPv4 address such as 10.0.0.4, not a prefix)");
        }
        return prefix.address(0);
    }

    private List<Ipv4Prefix> prefixes(Node array) throws ConfigException {
        List<Ipv4Prefix> prefixes = new ArrayList<>();
        for (Node element : array.elements()) {
            prefixes.add(prefix(element));
        }
        return prefixes;
    }

    private Ipv4Prefix prefix(Node node) throws ConfigException {
        String text = node.text();
        try {
            return Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private HybridConnectionConfig hybridConnection(Node hybridConnection) throws ConfigException {
        hybridConnection.requireObject("name", "requiresClientAuthorization", "authorizationRules", "userMetadata");
        String name = hybridConnection.field("name").text();
        Node requiresNode = hybridConnection.field("requiresClientAuthorization");
        boolean requiresClientAuthorization = !requiresNode.present() || requiresNode.bool();
        List<AuthorizationRuleConfig> rules = rules(hybridConnection.field("authorizationRules"));
        Node metadataNode = hybridConnection.field("userMetadata");
        String userMetadata = metadataNode.present() ? metadataNode.text() : "";
        return construct(hybridConnection, () -> new HybridConnectionConfig(name, requiresClientAuthorization, rules,
                userMetadata));
    }

    private List<AuthorizationRuleConfig> rules(Node rules) throws ConfigException {
        List<AuthorizationRuleConfig> result = new ArrayList<>();
        if (!rules.present()) {
            return result;
        }
        for (Node rule : rules.elements()) {
            rule.requireObject("name", "primaryKey", "secondaryKey", "rights", "trustedService");
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
            Node trustedNode = rule.field("trustedService");
            boolean trustedService = trustedNode.present() && trustedNode.bool();
            result.add(construct(rule, () -> new AuthorizationRuleConfig(name, primaryKey, secondaryKey, rights,
                    trustedService)));
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
            // An empty name would leave no path (or one ending in '.'): it is shown quoted.
            String shown = name.isEmpty() ? "\"\"" : name;
            return new Node(path.isEmpty() ? shown : path + '.' + shown, json == null ? null : json.get(name));
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
