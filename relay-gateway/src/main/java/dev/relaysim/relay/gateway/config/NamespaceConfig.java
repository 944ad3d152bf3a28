package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static java.util.Objects.requireNonNull;

/**
 * A Relay namespace.
 *
 * @param name 6-50 characters of {@code [A-Za-z0-9-]}, starting with a letter and not ending with
 *             {@code '-'} (Azure's rule)
 * @param hostName the host clients address it by; {@code null} means {@code <name>.servicebus.windows.net};
 *                 stored in lower case
 * @param authorizationRules namespace-level rules, valid for every hybrid connection; names unique ignoring case
 * @param hybridConnections names unique ignoring case
 * @param region the namespace's Azure region (default {@value #DEFAULT_REGION}); its private endpoints may sit in
 *               other regions
 * @param networkRuleSet public network access, IP rules, default action and trusted services (default: public
 *                       access Enabled, default action Allow, no rules)
 * @param privateEndpoints at most {@value NamespaceNetwork#MAX_PRIVATE_ENDPOINTS}, names unique ignoring case;
 *                         where they sit is checked against the virtual networks by {@link GatewayConfig}
 */
public record NamespaceConfig(String name, String hostName, List<AuthorizationRuleConfig> authorizationRules,
                              List<HybridConnectionConfig> hybridConnections, String region,
                              NetworkRuleSet networkRuleSet, List<PrivateEndpoint> privateEndpoints) {

    /** The DNS suffix of Azure Relay namespaces. */
    public static final String DEFAULT_HOST_SUFFIX = ".servicebus.windows.net";
    /** The region of a namespace that names none. */
    public static final String DEFAULT_REGION = "westeurope";

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]");

    public NamespaceConfig {
        requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidValueException("name", quote(name) + " (expected: 6-50 characters of A-Z, a-z, "
                    + "0-9, '-', starting with a letter and not ending with '-')");
        }
        hostName = hostName == null ? name.toLowerCase(Locale.ROOT) + DEFAULT_HOST_SUFFIX
                : hostName.toLowerCase(Locale.ROOT);
        ConfigChecks.requireHostName("hostName", hostName);
        authorizationRules = List.copyOf(requireNonNull(authorizationRules, "authorizationRules"));
        hybridConnections = List.copyOf(requireNonNull(hybridConnections, "hybridConnections"));
        ConfigChecks.requireUnique("authorizationRules", authorizationRules, "name", AuthorizationRuleConfig::name);
        ConfigChecks.requireUnique("hybridConnections", hybridConnections, "name", HybridConnectionConfig::name);
        requireNonNull(region, "region");
        if (region.isBlank()) {
            throw new InvalidValueException("region", quote(region)
                    + " (expected: an Azure region such as westeurope)");
        }
        requireNonNull(networkRuleSet, "networkRuleSet");
        privateEndpoints = List.copyOf(requireNonNull(privateEndpoints, "privateEndpoints"));
        if (privateEndpoints.size() > NamespaceNetwork.MAX_PRIVATE_ENDPOINTS) {
            throw new InvalidValueException("privateEndpoints", privateEndpoints.size()
                    + " endpoints (expected: at most " + NamespaceNetwork.MAX_PRIVATE_ENDPOINTS
                    + " private endpoints per namespace)");
        }
        ConfigChecks.requireUnique("privateEndpoints", privateEndpoints, "name", PrivateEndpoint::name);
    }

    /** A namespace in {@value #DEFAULT_REGION}, open to the public network, without private endpoints. */
    public NamespaceConfig(String name, String hostName, List<AuthorizationRuleConfig> authorizationRules,
                           List<HybridConnectionConfig> hybridConnections) {
        this(name, hostName, authorizationRules, hybridConnections, DEFAULT_REGION, NetworkRuleSet.OPEN, List.of());
    }

    /** The namespace's network settings, as the gateway's network model holds them. */
    public NamespaceNetwork network() {
        return new NamespaceNetwork(name, networkRuleSet, privateEndpoints);
    }

    /** The hybrid connection with this name, ignoring case. */
    public Optional<HybridConnectionConfig> hybridConnection(String name) {
        requireNonNull(name, "name");
        return hybridConnections.stream().filter(hc -> hc.name().equalsIgnoreCase(name)).findFirst();
    }
}
