package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.cli.Durations;
import dev.relaysim.relay.common.connection.DevDefaults;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Every gateway setting that is one value, declared once: its JSON path, type, default, flag (and so environment
 * variable), one line of help and where a bound {@link GatewayConfig} holds it. {@link ConfigLoader} seeds the
 * defaults and applies flags and variables from these declarations, {@code ConfigBinder} reads the values through
 * them, {@code GatewayMain} derives its options and {@code --help}, {@code gateway --check} lists them, and
 * {@code docs/configuration.md}'s settings table is generated from them ({@link #referenceTable()}, kept in step by
 * {@code ConfigurationReferenceTest}).
 *
 * <p>The structured parts of the configuration (namespaces, virtual networks, fault lists) are read by the binder;
 * their defaults are the embedded {@code default-config.json}.
 *
 * <p>The order is the order of {@code --help}, of the reference, and of the fields an object accepts in messages
 * such as {@code listen.tls.prot: unknown field (expected: one of enabled, port)}.
 */
public final class GatewaySettings {

    public static final Setting<String> BIND_ADDRESS = declare("listen.bindAddress", SettingType.ADDRESS, "127.0.0.1")
            .flag("bind-address", "ADDRESS")
            .help("local address of every port: front ends, rendezvous ports, management")
            .shows(config -> config.listen().bindAddress());
    public static final Setting<Boolean> TLS = declare("listen.tls.enabled", SettingType.BOOLEAN, true)
            .flag("tls", "")
            .help("the TLS front end (wss://, https://), with the development CA's certificate")
            .shows(config -> config.listen().tlsEnabled());
    public static final Setting<Integer> TLS_PORT = declare("listen.tls.port", SettingType.PORT, 9443)
            .flag("tls-port", "PORT")
            .help("TLS front end port (0 = any)")
            .shows(config -> config.listen().tlsPort());
    public static final Setting<Boolean> PLAIN = declare("listen.plain.enabled", SettingType.BOOLEAN, true)
            .flag("plain", "")
            .help("the plain front end (ws://, http://); at least one front end must run")
            .shows(config -> config.listen().plainEnabled());
    public static final Setting<Integer> PLAIN_PORT = declare("listen.plain.port", SettingType.PORT, 9080)
            .flag("plain-port", "PORT")
            .help("plain front end port (0 = any)")
            .shows(config -> config.listen().plainPort());
    public static final Setting<PortRange> RENDEZVOUS_PORTS = declare("listen.rendezvousPorts",
            SettingType.PORT_RANGE, "9400-9599")
            .flag("rendezvous-ports", "FIRST-LAST")
            .help("rendezvous ports, one per simulated gateway instance gN; accept and request addresses point here")
            .shows(config -> config.listen().rendezvousPorts());
    public static final Setting<Boolean> MANAGEMENT = declare("listen.management.enabled", SettingType.BOOLEAN,
            true)
            .flag("management", "")
            .help("the management HTTP server: /health, /metrics, the ARM-shaped API, the fault toggles")
            .shows(config -> config.listen().managementEnabled());
    public static final Setting<Integer> MANAGEMENT_PORT = declare("listen.management.port", SettingType.PORT,
            9390)
            .flag("management-port", "PORT")
            .help("management HTTP port (0 = any); not a front-end port, outside the rendezvous ports")
            .shows(config -> config.listen().managementPort());
    public static final Setting<String> MANAGEMENT_ADMIN_KEY = declare("listen.management.adminKey",
            SettingType.STRING, ListenSettings.DEFAULT_ADMIN_KEY)
            .flag("management-admin-key", "KEY")
            .help("key of the management API (Authorization: Bearer KEY), 1-256 visible ASCII characters")
            .shows(config -> config.listen().managementAdminKey());
    public static final Setting<String> ADVERTISED_HOST = unset("listen.advertised.host", SettingType.HOST,
            "the address a client reached")
            .flag("advertised-host", "HOST")
            .help("host clients use, in accept addresses, the banner, DNS and the certificate (in a container)")
            .shows(config -> config.listen().advertised().host());
    public static final Setting<Integer> ADVERTISED_TLS_PORT = declare("listen.advertised.tlsPort",
            SettingType.PORT, 0)
            .flag("advertised-tls-port", "PORT")
            .help("published TLS port (0 = the bound one)")
            .shows(config -> config.listen().advertised().tlsPort());
    public static final Setting<Integer> ADVERTISED_PLAIN_PORT = declare("listen.advertised.plainPort",
            SettingType.PORT, 0)
            .flag("advertised-plain-port", "PORT")
            .help("published plain port (0 = the bound one)")
            .shows(config -> config.listen().advertised().plainPort());
    public static final Setting<List<Integer>> ADVERTISED_RENDEZVOUS_PORTS = unset(
            "listen.advertised.rendezvousPorts", SettingType.PORT_LIST, "the bound ones")
            .flag("advertised-rendezvous-ports", "PORTS")
            .help("published rendezvous ports of g0..gN, e.g. 9400-9599 or 32768,32771")
            .shows(config -> config.listen().advertised().rendezvousPorts().isEmpty() ? null
                    : config.listen().advertised().rendezvousPorts());
    public static final Setting<Boolean> DNS = declare("dns.enabled", SettingType.BOOLEAN, true)
            .flag("dns", "")
            .help("the split-horizon DNS responder for servicebus.windows.net and its privatelink zone")
            .shows(config -> config.dns().enabled());
    public static final Setting<String> DNS_BIND_ADDRESS = declare("dns.bindAddress", SettingType.ADDRESS,
            DnsSettings.DEFAULT_BIND_ADDRESS)
            .flag("dns-bind-address", "ADDRESS")
            .help("local address of the DNS responder, an IP literal (UDP and TCP)")
            .shows(config -> config.dns().bindAddress());
    public static final Setting<Integer> DNS_PORT = declare("dns.port", SettingType.PORT, DnsSettings.DEFAULT_PORT)
            .flag("dns-port", "PORT")
            .help("DNS responder port, UDP and TCP (0 = any; 53 needs root)")
            .shows(config -> config.dns().port());
    public static final Setting<String> DATA_DIRECTORY = unset("dataDirectory", SettingType.PATH,
            "~/" + DevDefaults.DATA_DIRECTORY_NAME)
            .flag("data-dir", "DIR")
            .help("where the development CA is kept; given explicitly, management API changes are saved there and "
                    + "restored at start")
            .shows(config -> config.dataDirectory().toString());
    public static final Setting<String> DEFAULT_NAMESPACE = declare("defaultNamespace", SettingType.STRING,
            "sandbox")
            .flag("default-namespace", "NAME")
            .help("namespace for localhost and IP literals (a file's namespaces without it: their first)")
            .shows(GatewayConfig::defaultNamespace);
    public static final Setting<Duration> RENDEZVOUS_TIMEOUT = declare("protocol.rendezvousTimeout",
            SettingType.DURATION, "30s")
            .flag("rendezvous-timeout", "DURATION")
            .help("how long an accept or request address stays valid; a sender not accepted by then gets 404")
            .shows(config -> config.protocol().rendezvousTimeout());
    public static final Setting<Duration> HANDSHAKE_TIMEOUT = declare("protocol.handshakeTimeout",
            SettingType.DURATION, "10s")
            .flag("handshake-timeout", "DURATION")
            .help("deadline for a client's upgrade request")
            .shows(config -> config.protocol().handshakeTimeout());
    public static final Setting<Integer> MAX_MESSAGE_SIZE = declare("protocol.maxMessageSize", SettingType.SIZE,
            "16MiB")
            .flag("max-message-size", "SIZE")
            .help("largest WebSocket message, 1KiB-256MiB; beyond it close 1009")
            .shows(config -> config.protocol().maxMessageSize());
    public static final Setting<Integer> MAX_LISTENERS_PER_ENDPOINT = declare("protocol.maxListenersPerEndpoint",
            SettingType.INTEGER, 25)
            .help("listeners per hybrid connection, 1-25; the next one gets 403 Quota exceeded")
            .shows(config -> config.protocol().maxListenersPerEndpoint());
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = declare("protocol.shutdownTimeout",
            SettingType.DURATION, "5s")
            .flag("shutdown-timeout", "DURATION")
            .help("how long relayed connections may drain on a graceful shutdown")
            .shows(config -> config.protocol().shutdownTimeout());
    public static final Setting<Duration> RESPONSE_TIMEOUT = declare("protocol.responseTimeout",
            SettingType.DURATION, Durations.format(ProtocolSettings.DEFAULT_RESPONSE_TIMEOUT))
            .flag("response-timeout", "DURATION")
            .help("HTTP senders get 504 when the listener has not answered by then")
            .shows(config -> config.protocol().responseTimeout());
    public static final Setting<Duration> TOKEN_EXPIRY_GRACE = declare("protocol.tokenExpiryGrace",
            SettingType.DURATION, Durations.format(ProtocolSettings.DEFAULT_TOKEN_EXPIRY_GRACE))
            .flag("token-expiry-grace", "DURATION")
            .help("control channels close 1008 this long after an unrenewed token expired")
            .shows(config -> config.protocol().tokenExpiryGrace());
    public static final Setting<Integer> MAX_CONNECTIONS_PER_SOURCE = declare("limits.maxConnectionsPerSource",
            SettingType.INTEGER, LimitSettings.DEFAULT_MAX_CONNECTIONS_PER_SOURCE)
            .flag("max-connections-per-source", "N")
            .help("open connections from one source address to the front ends and rendezvous ports; beyond: 429")
            .shows(config -> config.limits().maxConnectionsPerSource());
    public static final Setting<Integer> MAX_PENDING_RENDEZVOUS_PER_ENTITY = declare(
            "limits.maxPendingRendezvousPerEntity", SettingType.INTEGER,
            LimitSettings.DEFAULT_MAX_PENDING_RENDEZVOUS_PER_ENTITY)
            .flag("max-pending-rendezvous-per-entity", "N")
            .help("senders waiting for an accept per hybrid connection; beyond: 429")
            .shows(config -> config.limits().maxPendingRendezvousPerEntity());
    public static final Setting<Integer> MAX_RELAYED_CONNECTIONS_PER_NAMESPACE = declare(
            "limits.maxRelayedConnectionsPerNamespace", SettingType.INTEGER,
            LimitSettings.DEFAULT_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE)
            .flag("max-relayed-connections-per-namespace", "N")
            .help("relayed connections and waiting senders per namespace (Azure's quota); beyond: 403")
            .shows(config -> config.limits().maxRelayedConnectionsPerNamespace());
    public static final Setting<Integer> EVENTS_CAPACITY = declare("events.capacity", SettingType.INTEGER,
            EventSettings.DEFAULT_CAPACITY)
            .help("events kept in memory for GET /relaysim/events and stream resumes, 1-1000000")
            .shows(config -> config.events().capacity());
    public static final Setting<Boolean> EVENTS_FILE = declare("events.file", SettingType.BOOLEAN, false)
            .help("also append every event to <dataDirectory>/events.jsonl (only with an explicit data directory)")
            .shows(config -> config.events().file());

    public static final Setting<String> CLUSTER_MEMBERS = unset("cluster.members", SettingType.STRING, "no cluster")
            .flag("cluster-members", "ADDRESSES")
            .help("IPv4 addresses of every gateway node, comma-separated: this gateway joins them (Hazelcast)")
            .shows(config -> config.cluster().enabled() ? String.join(",", config.cluster().members()) : null);
    public static final Setting<String> CLUSTER_NODE_ADDRESS = unset("cluster.nodeAddress", SettingType.ADDRESS,
            "no cluster")
            .flag("node-address", "ADDRESS")
            .help("this node's address, one of cluster.members; the bind addresses follow it unless set")
            .shows(config -> config.cluster().enabled() ? config.cluster().nodeAddress() : null);
    public static final Setting<Integer> CLUSTER_PORT = declare("cluster.port", SettingType.PORT,
            ClusterSettings.DEFAULT_PORT)
            .flag("cluster-port", "PORT")
            .help("port the nodes talk to each other on, the same on every node")
            .shows(config -> config.cluster().port());

    /** Every declaration, in order. */
    public static final List<Setting<?>> ALL = List.of(BIND_ADDRESS, TLS, TLS_PORT, PLAIN, PLAIN_PORT,
            RENDEZVOUS_PORTS, MANAGEMENT, MANAGEMENT_PORT, MANAGEMENT_ADMIN_KEY, ADVERTISED_HOST, ADVERTISED_TLS_PORT,
            ADVERTISED_PLAIN_PORT, ADVERTISED_RENDEZVOUS_PORTS, DNS, DNS_BIND_ADDRESS, DNS_PORT, DATA_DIRECTORY,
            DEFAULT_NAMESPACE, RENDEZVOUS_TIMEOUT, HANDSHAKE_TIMEOUT, MAX_MESSAGE_SIZE, MAX_LISTENERS_PER_ENDPOINT,
            SHUTDOWN_TIMEOUT, RESPONSE_TIMEOUT, TOKEN_EXPIRY_GRACE, MAX_CONNECTIONS_PER_SOURCE,
            MAX_PENDING_RENDEZVOUS_PER_ENTITY, MAX_RELAYED_CONNECTIONS_PER_NAMESPACE, EVENTS_CAPACITY, EVENTS_FILE,
            CLUSTER_MEMBERS, CLUSTER_NODE_ADDRESS, CLUSTER_PORT);

    private GatewaySettings() {
    }

    /** The declarations that have a flag, in order. */
    public static List<Setting<?>> withFlags() {
        return ALL.stream().filter(setting -> setting.flag() != null).toList();
    }

    /**
     * The names of the fields declared settings occupy directly under the object at {@code objectPath} (empty for the
     * top level), in order: {@code enabled, port} for {@code listen.tls}, {@code bindAddress, tls, plain, ...} for
     * {@code listen}.
     */
    static List<String> fieldsOf(String objectPath) {
        List<String> prefix = objectPath.isEmpty() ? List.of() : List.of(objectPath.split("\\."));
        Set<String> fields = new LinkedHashSet<>();
        for (Setting<?> setting : ALL) {
            List<String> segments = setting.segments();
            if (segments.size() > prefix.size() && segments.subList(0, prefix.size()).equals(prefix)) {
                fields.add(segments.get(prefix.size()));
            }
        }
        return new ArrayList<>(fields);
    }

    /**
     * The settings table of {@code docs/configuration.md}, generated from the declarations: JSON path, type,
     * default, flag, environment variable and meaning.
     */
    public static String referenceTable() {
        StringBuilder table = new StringBuilder()
                .append("| JSON path | type | default | flag | environment variable | meaning |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Setting<?> setting : ALL) {
            String defaultText = setting.defaultValue() == null ? "(" + setting.unsetMeans() + ")"
                    : '`' + setting.defaultText() + '`';
            String option = setting.option().map(name -> '`' + name + '`'
                    + (setting.isSwitch() ? " (to `false`)" : "")).orElse("");
            String variable = setting.environmentVariable().map(name -> '`' + name + '`').orElse("");
            table.append("| `").append(setting.path()).append("` | ").append(setting.type().name()).append(" | ")
                    .append(defaultText).append(" | ").append(option).append(" | ").append(variable).append(" | ")
                    .append(setting.help().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private static <T> Draft<T> declare(String path, SettingType<T> type, Object defaultValue) {
        return new Draft<>(path, type, requireNonNull(defaultValue, "defaultValue"), "");
    }

    private static <T> Draft<T> unset(String path, SettingType<T> type, String unsetMeans) {
        return new Draft<>(path, type, null, unsetMeans);
    }

    /** A declaration being written: {@code declare(...).flag(...).help(...).shows(...)}. */
    private static final class Draft<T> {

        private final String path;
        private final SettingType<T> type;
        private final @Nullable Object defaultValue;
        private final String unsetMeans;
        private @Nullable String flag;
        private String paramLabel = "";
        private String help = "";

        Draft(String path, SettingType<T> type, @Nullable Object defaultValue, String unsetMeans) {
            this.path = path;
            this.type = type;
            this.defaultValue = defaultValue;
            this.unsetMeans = unsetMeans;
        }

        Draft<T> flag(String name, String label) {
            this.flag = name;
            this.paramLabel = label;
            return this;
        }

        Draft<T> help(String text) {
            this.help = text;
            return this;
        }

        Setting<T> shows(Function<GatewayConfig, @Nullable T> effective) {
            return new Setting<>(path, type, defaultValue, unsetMeans, flag, paramLabel, help, effective);
        }
    }
}
