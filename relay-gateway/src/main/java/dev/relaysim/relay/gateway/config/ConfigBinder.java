package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.cli.Durations;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import org.jspecify.annotations.Nullable;

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
                "virtualNetworks", "dns", "faults", "limits", "events", "cluster");
        ClusterSettings cluster = cluster(root);
        ListenSettings listen = listen(root, cluster);
        ProtocolSettings protocol = protocol(root);
        Node dataDirectoryNode = node(root, GatewaySettings.DATA_DIRECTORY);
        Path dataDirectory = dataDirectory(dataDirectoryNode);
        boolean dataDirectoryExplicit = dataDirectoryNode.present();
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
        String configuredDefault = optional(root, GatewaySettings.DEFAULT_NAMESPACE);
        String defaultNamespace = configuredDefault != null ? configuredDefault
                : namespaces.isEmpty() ? "" : namespaces.get(0).name();
        DnsSettings dns = dns(root, cluster);
        Node faultsNode = root.field("faults");
        RendezvousFaults faults = faultsNode.present()
                ? construct(root, () -> RendezvousFaults.fromJson(faultsNode.json, "faults")) : RendezvousFaults.NONE;
        LimitSettings limits = limits(root);
        EventSettings events = events(root);
        return construct(root, () -> new GatewayConfig(listen, protocol, dataDirectory, defaultNamespace, namespaces,
                virtualNetworks, dns, faults, limits, dataDirectoryExplicit, events, cluster));
    }

    private LimitSettings limits(Node root) throws ConfigException {
        requireSettingsObject(root, "limits");
        int perSource = value(root, GatewaySettings.MAX_CONNECTIONS_PER_SOURCE);
        int pendingPerEntity = value(root, GatewaySettings.MAX_PENDING_RENDEZVOUS_PER_ENTITY);
        int relayedPerNamespace = value(root, GatewaySettings.MAX_RELAYED_CONNECTIONS_PER_NAMESPACE);
        return construct(root.field("limits"),
                () -> new LimitSettings(perSource, pendingPerEntity, relayedPerNamespace));
    }

    private EventSettings events(Node root) throws ConfigException {
        requireSettingsObject(root, "events");
        int capacity = value(root, GatewaySettings.EVENTS_CAPACITY);
        boolean file = value(root, GatewaySettings.EVENTS_FILE);
        return construct(root.field("events"), () -> new EventSettings(capacity, file));
    }

    private ClusterSettings cluster(Node root) throws ConfigException {
        requireSettingsObject(root, "cluster");
        String members = optional(root, GatewaySettings.CLUSTER_MEMBERS);
        String nodeAddress = optional(root, GatewaySettings.CLUSTER_NODE_ADDRESS);
        int port = value(root, GatewaySettings.CLUSTER_PORT);
        return construct(root.field("cluster"), () -> new ClusterSettings(
                ClusterSettings.parseMembers(members == null ? "" : members), nodeAddress == null ? ""
                : nodeAddress.strip(), port));
    }

    /** A node binds its own address: a bind address left at its default follows {@code cluster.nodeAddress}. */
    private static String followNode(String bindAddress, String defaultAddress, ClusterSettings cluster) {
        return cluster.enabled() && bindAddress.equals(defaultAddress) ? cluster.nodeAddress() : bindAddress;
    }

    private DnsSettings dns(Node root, ClusterSettings cluster) throws ConfigException {
        Node dns = root.field("dns");
        requireSettingsObject(root, "dns", "faults");
        boolean enabled = value(root, GatewaySettings.DNS);
        String bindAddress = followNode(value(root, GatewaySettings.DNS_BIND_ADDRESS),
                DnsSettings.DEFAULT_BIND_ADDRESS, cluster);
        int port = value(root, GatewaySettings.DNS_PORT);
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

    private ListenSettings listen(Node root, ClusterSettings cluster) throws ConfigException {
        Node listen = root.field("listen");
        requireSettingsObject(root, "listen");
        requireSettingsObject(root, "listen.tls");
        requireSettingsObject(root, "listen.plain");
        requireSettingsObject(root, "listen.management");
        String bindAddress = followNode(value(root, GatewaySettings.BIND_ADDRESS),
                String.valueOf(GatewaySettings.BIND_ADDRESS.defaultValue()), cluster);
        boolean tlsEnabled = value(root, GatewaySettings.TLS);
        int tlsPort = value(root, GatewaySettings.TLS_PORT);
        boolean plainEnabled = value(root, GatewaySettings.PLAIN);
        int plainPort = value(root, GatewaySettings.PLAIN_PORT);
        boolean managementEnabled = value(root, GatewaySettings.MANAGEMENT);
        int managementPort = value(root, GatewaySettings.MANAGEMENT_PORT);
        String adminKey = value(root, GatewaySettings.MANAGEMENT_ADMIN_KEY);
        PortRange rendezvousPorts = value(root, GatewaySettings.RENDEZVOUS_PORTS);
        AdvertisedSettings advertised = advertised(root);
        return construct(listen, () -> new ListenSettings(bindAddress, tlsEnabled, tlsPort, plainEnabled, plainPort,
                rendezvousPorts, managementEnabled, managementPort, adminKey, advertised));
    }

    private AdvertisedSettings advertised(Node root) throws ConfigException {
        requireSettingsObject(root, "listen.advertised");
        String hostText = optional(root, GatewaySettings.ADVERTISED_HOST);
        String host = hostText != null && !hostText.isBlank() ? hostText.strip() : null;
        int tlsPort = value(root, GatewaySettings.ADVERTISED_TLS_PORT);
        int plainPort = value(root, GatewaySettings.ADVERTISED_PLAIN_PORT);
        List<Integer> configuredPorts = optional(root, GatewaySettings.ADVERTISED_RENDEZVOUS_PORTS);
        List<Integer> rendezvousPorts = configuredPorts != null ? configuredPorts : List.of();
        return construct(root.field("listen").field("advertised"),
                () -> new AdvertisedSettings(host, tlsPort, plainPort, rendezvousPorts));
    }

    private ProtocolSettings protocol(Node root) throws ConfigException {
        requireSettingsObject(root, "protocol");
        Duration rendezvousTimeout = value(root, GatewaySettings.RENDEZVOUS_TIMEOUT);
        Duration handshakeTimeout = value(root, GatewaySettings.HANDSHAKE_TIMEOUT);
        int maxMessageSize = value(root, GatewaySettings.MAX_MESSAGE_SIZE);
        int maxListeners = value(root, GatewaySettings.MAX_LISTENERS_PER_ENDPOINT);
        Duration shutdownTimeout = value(root, GatewaySettings.SHUTDOWN_TIMEOUT);
        Duration responseTimeout = value(root, GatewaySettings.RESPONSE_TIMEOUT);
        Duration tokenExpiryGrace = value(root, GatewaySettings.TOKEN_EXPIRY_GRACE);
        return construct(root.field("protocol"), () -> new ProtocolSettings(rendezvousTimeout, handshakeTimeout,
                maxMessageSize, maxListeners, shutdownTimeout, responseTimeout, tokenExpiryGrace));
    }

    /**
     * Requires the object at {@code objectPath} to hold only the fields declared settings occupy (and the
     * {@code structured} ones the binder reads itself).
     */
    private void requireSettingsObject(Node root, String objectPath, String... structured) throws ConfigException {
        Node object = root;
        for (String segment : objectPath.split("\\.")) {
            object = object.field(segment);
        }
        List<String> allowed = new ArrayList<>(GatewaySettings.fieldsOf(objectPath));
        allowed.addAll(List.of(structured));
        object.requireObject(allowed.toArray(String[]::new));
    }

    private static Node node(Node root, Setting<?> setting) {
        Node node = root;
        for (String segment : setting.segments()) {
            node = node.field(segment);
        }
        return node;
    }

    /** A setting's value; the defaults are in the tree, so it is missing only when removed. */
    private <T> T value(Node root, Setting<T> setting) throws ConfigException {
        return read(node(root, setting), setting.type());
    }

    /** A setting's value, or {@code null} when it is not set (a setting without a default). */
    private <T> @Nullable T optional(Node root, Setting<T> setting) throws ConfigException {
        Node node = node(root, setting);
        return node.present() ? read(node, setting.type()) : null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T read(Node node, SettingType<T> type) throws ConfigException {
        return switch (type.json()) {
            case BOOLEAN -> (T) Boolean.valueOf(node.bool());
            case INTEGER -> (T) Integer.valueOf(node.integer());
            case SIZE -> (T) Integer.valueOf(node.size());
            case DURATION -> (T) node.duration();
            case TEXT -> {
                String text = node.text();
                try {
                    yield type.parse(text);
                } catch (IllegalArgumentException e) {
                    throw node.error(node.shown() + detailOf(e));
                }
            }
        };
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
            if (namespace.json != null && namespace.json.isObject() && endpoints.present()
                    && endpoints.json.isArray()) {
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

    /**
     * Builds a record; its {@link InvalidValueException} names the field relative to {@code node}, which gets the full
     * path. The network package's records (virtual networks, rule sets, endpoints) throw a plain
     * {@link IllegalArgumentException} "field: value (expected: ...)", whose field is taken from the message.
     */
    private <T> T construct(Node node, Supplier<T> constructor) throws ConfigException {
        try {
            return constructor.get();
        } catch (InvalidValueException e) {
            String path = node.path.isEmpty() ? e.field() : node.path + '.' + e.field();
            throw new ConfigException(path + sourceOf(path) + ": " + e.detail(), e);
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
