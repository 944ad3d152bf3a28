package dev.relaysim.relay.gateway.internal.registry;

import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A namespace at run time: its host names, rules and hybrid connections. The object lives as long as the namespace;
 * {@link NamespaceRegistry#update} replaces its configuration and entity list as one immutable {@link State}, so a
 * lookup reads one consistent version without locking.
 */
public final class Namespace {

    /** The DNS suffix of Private Link names: {@code <name>.privatelink.servicebus.windows.net}. */
    public static final String PRIVATE_LINK_SUFFIX = ".privatelink.servicebus.windows.net";

    private final String name;
    private final String hostName;
    private final String privateLinkHostName;
    private final int maxListenersPerEndpoint;
    private volatile State state;

    /** A configuration and the entities made from it, replaced together. */
    private record State(NamespaceConfig config, List<HybridConnection> hybridConnections) {
    }

    Namespace(NamespaceConfig config, int maxListenersPerEndpoint) {
        requireNonNull(config, "config");
        name = config.name();
        hostName = config.hostName();
        privateLinkHostName = name.toLowerCase(Locale.ROOT) + PRIVATE_LINK_SUFFIX;
        this.maxListenersPerEndpoint = maxListenersPerEndpoint;
        List<HybridConnection> entities = new ArrayList<>(config.hybridConnections().size());
        for (HybridConnectionConfig entity : config.hybridConnections()) {
            entities.add(new HybridConnection(this, entity, maxListenersPerEndpoint));
        }
        state = new State(config, List.copyOf(entities));
    }

    public String name() {
        return name;
    }

    /** The host clients address it by, lower case, for example {@code sandbox.servicebus.windows.net}. */
    public String hostName() {
        return hostName;
    }

    /** {@code <name>.privatelink.servicebus.windows.net}, lower case. */
    public String privateLinkHostName() {
        return privateLinkHostName;
    }

    /** The namespace's current configuration (its rules and hybrid connections as the management API left them). */
    public NamespaceConfig config() {
        return state.config();
    }

    /** Namespace-level rules, valid for every hybrid connection. */
    public List<AuthorizationRuleConfig> authorizationRules() {
        return state.config().authorizationRules();
    }

    public List<HybridConnection> hybridConnections() {
        return state.hybridConnections();
    }

    /** The hybrid connection named {@code name} (ignoring case), not a prefix match. */
    public Optional<HybridConnection> hybridConnection(String name) {
        requireNonNull(name, "name");
        return hybridConnections().stream().filter(entity -> entity.name().equalsIgnoreCase(name)).findFirst();
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
        for (HybridConnection entity : hybridConnections()) {
            String entityName = entity.name();
            boolean prefix = path.regionMatches(true, 0, entityName, 0, entityName.length())
                    && (path.length() == entityName.length() || path.charAt(entityName.length()) == '/');
            if (prefix && (best == null || entityName.length() > best.name().length())) {
                best = entity;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int end = best.name().length();
        return Optional.of(new EntityMatch(best, path, end == path.length() ? "" : path.substring(end + 1)));
    }

    /**
     * Takes {@code changed} as the namespace's configuration: hybrid connections still there keep their objects
     * (and listeners) with the new settings, new ones are created. Called by the registry under its lock.
     *
     * @return the hybrid connections that are gone
     */
    List<HybridConnection> reconfigure(NamespaceConfig changed) {
        List<HybridConnection> kept = new ArrayList<>(changed.hybridConnections().size());
        List<HybridConnection> removed = new ArrayList<>(hybridConnections());
        for (HybridConnectionConfig entityConfig : changed.hybridConnections()) {
            Optional<HybridConnection> existing = removed.stream()
                    .filter(entity -> entity.name().equalsIgnoreCase(entityConfig.name())).findFirst();
            if (existing.isPresent()) {
                existing.get().config(entityConfig);
                removed.remove(existing.get());
                kept.add(existing.get());
            } else {
                kept.add(new HybridConnection(this, entityConfig, maxListenersPerEndpoint));
            }
        }
        state = new State(changed, List.copyOf(kept));
        return List.copyOf(removed);
    }

    @Override
    public String toString() {
        return name() + " (" + hostName() + ')';
    }
}
