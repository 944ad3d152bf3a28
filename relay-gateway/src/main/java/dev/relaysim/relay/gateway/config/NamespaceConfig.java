package dev.relaysim.relay.gateway.config;

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
 */
public record NamespaceConfig(String name, String hostName, List<AuthorizationRuleConfig> authorizationRules,
                              List<HybridConnectionConfig> hybridConnections) {

    /** The DNS suffix of Azure Relay namespaces. */
    public static final String DEFAULT_HOST_SUFFIX = ".servicebus.windows.net";

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]");

    public NamespaceConfig {
        requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + quote(name) + " (expected: 6-50 characters of A-Z, a-z, "
                    + "0-9, '-', starting with a letter and not ending with '-')");
        }
        hostName = hostName == null ? name.toLowerCase(Locale.ROOT) + DEFAULT_HOST_SUFFIX : hostName.toLowerCase(Locale.ROOT);
        ConfigChecks.requireHostName("hostName", hostName);
        authorizationRules = List.copyOf(requireNonNull(authorizationRules, "authorizationRules"));
        hybridConnections = List.copyOf(requireNonNull(hybridConnections, "hybridConnections"));
        ConfigChecks.requireUnique("authorizationRules", authorizationRules, "name", AuthorizationRuleConfig::name);
        ConfigChecks.requireUnique("hybridConnections", hybridConnections, "name", HybridConnectionConfig::name);
    }

    /** The hybrid connection with this name, ignoring case. */
    public Optional<HybridConnectionConfig> hybridConnection(String name) {
        requireNonNull(name, "name");
        return hybridConnections.stream().filter(hc -> hc.name().equalsIgnoreCase(name)).findFirst();
    }
}
