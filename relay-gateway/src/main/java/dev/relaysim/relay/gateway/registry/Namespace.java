package dev.relaysim.relay.gateway.registry;

import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A namespace at run time: its host names, rules and hybrid connections. */
public final class Namespace {

    /** The DNS suffix of Private Link names: {@code <name>.privatelink.servicebus.windows.net}. */
    public static final String PRIVATE_LINK_SUFFIX = ".privatelink.servicebus.windows.net";

    private final NamespaceConfig config;
    private final String privateLinkHostName;
    private final List<HybridConnection> hybridConnections;

    Namespace(NamespaceConfig config, int maxListenersPerEndpoint) {
        this.config = requireNonNull(config, "config");
        privateLinkHostName = config.name().toLowerCase(Locale.ROOT) + PRIVATE_LINK_SUFFIX;
        List<HybridConnection> entities = new ArrayList<>(config.hybridConnections().size());
        for (HybridConnectionConfig entity : config.hybridConnections()) {
            entities.add(new HybridConnection(this, entity, maxListenersPerEndpoint));
        }
        hybridConnections = List.copyOf(entities);
    }

    public String name() {
        return config.name();
    }

    /** The host clients address it by, lower case, for example {@code sandbox.servicebus.windows.net}. */
    public String hostName() {
        return config.hostName();
    }

    /** {@code <name>.privatelink.servicebus.windows.net}, lower case. */
    public String privateLinkHostName() {
        return privateLinkHostName;
    }

    /** Namespace-level rules, valid for every hybrid connection. */
    public List<AuthorizationRuleConfig> authorizationRules() {
        return config.authorizationRules();
    }

    public List<HybridConnection> hybridConnections() {
        return hybridConnections;
    }

    /**
     * Finds the hybrid connection whose name is the longest prefix of {@code path} that ends on a segment
     * boundary, ignoring case: {@code echo/sfx} matches {@code echo} with suffix {@code sfx}, {@code echo2} does not
     * match {@code echo}.
     *
     * @param path the decoded path after {@code /$hc/}, without leading or trailing {@code '/'}
     */
    public Optional<EntityMatch> match(String path) {
        requireNonNull(path, "path");
        HybridConnection best = null;
        for (HybridConnection entity : hybridConnections) {
            String name = entity.name();
            boolean prefix = path.regionMatches(true, 0, name, 0, name.length())
                    && (path.length() == name.length() || path.charAt(name.length()) == '/');
            if (prefix && (best == null || name.length() > best.name().length())) {
                best = entity;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int end = best.name().length();
        return Optional.of(new EntityMatch(best, path, end == path.length() ? "" : path.substring(end + 1)));
    }

    @Override
    public String toString() {
        return name() + " (" + hostName() + ')';
    }
}
