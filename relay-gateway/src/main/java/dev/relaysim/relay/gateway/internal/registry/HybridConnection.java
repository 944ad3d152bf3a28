package dev.relaysim.relay.gateway.internal.registry;

import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A hybrid connection at run time: its configuration and the listeners connected to it. The object lives as long as
 * the entity (its listeners stay when the management API changes its settings or rules); the configuration is
 * replaced as a whole by {@link NamespaceRegistry#update}, so readers see one consistent version without locking.
 */
public final class HybridConnection {

    private final Namespace namespace;
    private final ListenerSet listeners;
    private volatile HybridConnectionConfig config;

    HybridConnection(Namespace namespace, HybridConnectionConfig config, int maxListeners) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.config = requireNonNull(config, "config");
        listeners = new ListenerSet(maxListeners);
    }

    /** The entity's current settings and rules. */
    public HybridConnectionConfig config() {
        return config;
    }

    void config(HybridConnectionConfig changed) {
        config = requireNonNull(changed, "changed");
    }

    public Namespace namespace() {
        return namespace;
    }

    /** The entity path, for example {@code echo} or {@code orders/eu}. */
    public String name() {
        return config.name();
    }

    /** Whether senders need a token; listeners always do. */
    public boolean requiresClientAuthorization() {
        return config.requiresClientAuthorization();
    }

    /** The rules of this hybrid connection only; the namespace's rules apply as well. */
    public List<AuthorizationRuleConfig> authorizationRules() {
        return config.authorizationRules();
    }

    /** The listeners whose control channels are connected to this hybrid connection. */
    public ListenerSet listeners() {
        return listeners;
    }

    /** {@code sb://<namespace host>/<name>}, the resource named in authorization errors. */
    public String resourceUri() {
        return "sb://" + namespace.hostName() + '/' + name();
    }

    /** {@code <namespace host>:<name>}, the {@code SystemTracker} of error texts. */
    public String systemTracker() {
        return namespace.hostName() + ':' + name();
    }

    @Override
    public String toString() {
        return resourceUri();
    }
}
