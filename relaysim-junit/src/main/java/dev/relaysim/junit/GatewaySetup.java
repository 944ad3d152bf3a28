package dev.relaysim.junit;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.ConfigException;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.DnsSettings;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.embedded.LoopbackAddresses;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link RelaysimTest} annotation asks for, validated once: the gateway configuration without its addresses
 * ({@link #config(Inet4Address, Path)} adds them), the address to use if one is fixed, and the prefixes a random
 * address must avoid. Every problem is an {@link ExtensionConfigurationException} naming the attribute and the value.
 */
final class GatewaySetup {

    static final String ADDRESS_PROPERTY = "relaysim.address";

    private final GatewayConfig template;
    private final Inet4Address fixedAddress;
    private final PortRange rendezvousPorts;
    private final List<Ipv4Prefix> taken;

    private GatewaySetup(GatewayConfig template, Inet4Address fixedAddress, PortRange rendezvousPorts,
                         List<Ipv4Prefix> taken) {
        this.template = template;
        this.fixedAddress = fixedAddress;
        this.rendezvousPorts = rendezvousPorts;
        this.taken = taken;
    }

    /** Reads {@code annotation} of {@code testClass}. */
    static GatewaySetup of(RelaysimTest annotation, Class<?> testClass) {
        String where = "@RelaysimTest on " + testClass.getName() + ": ";
        try {
            PortRange ports;
            try {
                ports = PortRange.parse(annotation.rendezvousPorts());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rendezvousPorts: " + e.getMessage(), e);
            }
            GatewayConfig template = annotation.config().isEmpty() ? fromAttributes(annotation)
                    : fromResource(annotation, testClass);
            String address = !annotation.address().isEmpty() ? annotation.address()
                    : System.getProperty(ADDRESS_PROPERTY, "");
            Inet4Address fixed = address.isEmpty() ? null : LoopbackAddresses.requireUsable(
                    annotation.address().isEmpty() ? "-D" + ADDRESS_PROPERTY : "address", address);
            List<Ipv4Prefix> taken = new ArrayList<>();
            for (VirtualNetwork network : template.virtualNetworks()) {
                taken.addAll(network.addressPrefixes());
            }
            template.networkModel().privateEndpointsByAddress().keySet()
                    .forEach(endpoint -> taken.add(Ipv4Prefix.of((Inet4Address) endpoint)));
            return new GatewaySetup(template, fixed, ports, List.copyOf(taken));
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ExtensionConfigurationException(where + e.getMessage(), e);
        }
    }

    /** The address the user fixed, or null for a random one. */
    @Nullable Inet4Address fixedAddress() {
        return fixedAddress;
    }

    /** Where a random address must not be: the configuration's virtual networks and private endpoints. */
    List<Ipv4Prefix> taken() {
        return taken;
    }

    /**
     * The configuration on {@code address}: TLS, plain, management and DNS on ephemeral ports, the rendezvous range,
     * {@code dataDirectory} (not explicit: management changes are not saved there).
     */
    GatewayConfig config(Inet4Address address, Path dataDirectory) {
        String host = address.getHostAddress();
        ListenSettings listen = template.listen();
        return new GatewayConfig(new ListenSettings(host, listen.tlsEnabled(), 0, listen.plainEnabled(), 0,
                rendezvousPorts, true, 0, listen.managementAdminKey()), template.protocol(), dataDirectory,
                template.defaultNamespace(), template.namespaces(), template.virtualNetworks(),
                new DnsSettings(true, host, 0, template.dns().faults()), template.faults(), template.limits(), false);
    }

    private static GatewayConfig fromAttributes(RelaysimTest annotation) {
        List<String> names = annotation.namespaces().length == 0 ? List.of(Relaysim.DEFAULT_NAMESPACE)
                : List.of(annotation.namespaces());
        HybridConnection[] entities = annotation.hybridConnections();
        boolean defaults = annotation.namespaces().length == 0 && entities.length == 0;
        Map<String, List<HybridConnectionConfig>> byNamespace = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (byNamespace.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                throw new IllegalArgumentException("namespaces[" + i + "]: \"" + name + "\" (expected: each name "
                        + "once)");
            }
            byNamespace.put(name, new ArrayList<>());
        }
        if (defaults) {
            byNamespace.get(Relaysim.DEFAULT_NAMESPACE).add(new HybridConnectionConfig(
                    Relaysim.DEFAULT_HYBRID_CONNECTION, true, List.of()));
        }
        for (int i = 0; i < entities.length; i++) {
            HybridConnection entity = entities[i];
            String where = "hybridConnections[" + i + "]";
            String namespace = entity.namespace().isEmpty() ? names.get(0) : entity.namespace();
            List<HybridConnectionConfig> list = byNamespace.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(namespace)).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(where + ".namespace: \"" + namespace
                            + "\" (expected: one of namespaces " + names + ')'));
            try {
                list.add(new HybridConnectionConfig(entity.value(), entity.requiresClientAuthorization(), List.of()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(DevDefaults.KEY_NAME, DevDefaults.KEY,
                DevDefaults.SECONDARY_KEY, EnumSet.allOf(AccessRight.class));
        List<NamespaceConfig> namespaces = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, List<HybridConnectionConfig>> entry : byNamespace.entrySet()) {
            try {
                namespaces.add(new NamespaceConfig(entry.getKey(),
                        entry.getKey() + NamespaceConfig.DEFAULT_HOST_SUFFIX, List.of(root), entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("namespaces[" + index + "]: " + e.getMessage(), e);
            }
            index++;
        }
        GatewayConfig defaultsConfig = ConfigLoader.defaults();
        return new GatewayConfig(defaultsConfig.listen(), defaultsConfig.protocol(), defaultsConfig.dataDirectory(),
                names.get(0), namespaces, List.of(), defaultsConfig.dns(), defaultsConfig.faults(),
                defaultsConfig.limits(), false);
    }

    private static GatewayConfig fromResource(RelaysimTest annotation, Class<?> testClass) throws ConfigException {
        if (annotation.namespaces().length > 0 || annotation.hybridConnections().length > 0) {
            throw new IllegalArgumentException("config: \"" + annotation.config() + "\" together with namespaces or "
                    + "hybridConnections (expected: one or the other; the file declares its namespaces)");
        }
        String resource = annotation.config().startsWith("/") ? annotation.config().substring(1) : annotation.config();
        ClassLoader loader = testClass.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("config: \"" + annotation.config() + "\" (expected: a resource on "
                        + "the test class path, such as src/test/resources/" + resource + ')');
            }
            // The loader reads files; a resource may sit in a jar.
            Path copy = Files.createTempFile("relaysim-config", ".json");
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                return ConfigLoader.load(copy, Map.of(), Map.of());
            } catch (ConfigException e) {
                throw new ConfigException("config \"" + annotation.config() + "\": "
                        + e.getMessage().replace(copy.toString(), resource), e);
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
