package dev.relaysim.relay.gateway.internal.registry;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import io.netty.util.NetUtil;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * The namespaces of a gateway, found by the host a client addressed. {@code localhost} and IP literals mean
 * the configured default namespace, unless the TLS server name indication names a namespace; a namespace is
 * also found by its Private Link name {@code <name>.privatelink.servicebus.windows.net}.
 *
 * <p>Live state, like {@link dev.relaysim.relay.gateway.internal.network.NetworkState}: the management API changes the
 * namespaces, hybrid connections and rules through {@link #update}; lookups on the connection path read one
 * immutable {@link Snapshot} from a volatile field, without locks. Changes are serialized, saved first by the
 * {@linkplain #storeWith store}, then published, then announced to the {@linkplain #onChange listeners}. In a cluster
 * every update runs through the {@linkplain #sequenceUpdatesWith sequencer}, and the other nodes' changes arrive
 * through {@link #replace}.
 */
public final class NamespaceRegistry {

    private static final Logger logger = LoggerFactory.getLogger(NamespaceRegistry.class);
    private static final String LOCALHOST = "localhost";

    private final int maxListeners;
    private final String defaultNamespaceName;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<List<NamespaceConfig>> store = configs -> { };
    private volatile Consumer<Runnable> sequencer = Runnable::run;
    private volatile Snapshot snapshot;

    /** What an {@link #update} did, for the listeners that act on open connections and on certificates. */
    public record Change(List<Namespace> addedNamespaces, List<Namespace> removedNamespaces,
                         List<HybridConnection> removedEntities) {

        public Change {
            addedNamespaces = List.copyOf(addedNamespaces);
            removedNamespaces = List.copyOf(removedNamespaces);
            removedEntities = List.copyOf(removedEntities);
        }
    }

    /** One version of the registry: every lookup reads one of these. */
    private record Snapshot(List<Namespace> namespaces, Map<String, Namespace> byHost, Namespace defaultNamespace) {

        static Snapshot of(List<Namespace> namespaces, String defaultName) {
            Map<String, Namespace> byHost = new HashMap<>();
            Namespace defaultOne = null;
            for (Namespace namespace : namespaces) {
                byHost.put(namespace.hostName(), namespace);
                byHost.putIfAbsent(namespace.privateLinkHostName(), namespace);
                if (namespace.name().equalsIgnoreCase(defaultName)) {
                    defaultOne = namespace;
                }
            }
            return new Snapshot(List.copyOf(namespaces), Map.copyOf(byHost),
                    requireNonNull(defaultOne, "defaultNamespace"));
        }
    }

    public NamespaceRegistry(GatewayConfig config) {
        requireNonNull(config, "config");
        maxListeners = config.protocol().maxListenersPerEndpoint();
        defaultNamespaceName = config.defaultNamespace();
        List<Namespace> list = new ArrayList<>(config.namespaces().size());
        for (NamespaceConfig namespaceConfig : config.namespaces()) {
            list.add(new Namespace(namespaceConfig, maxListeners));
        }
        snapshot = Snapshot.of(list, defaultNamespaceName);
    }

    public List<Namespace> namespaces() {
        return snapshot.namespaces();
    }

    /** The namespaces' current configurations, in order. */
    public List<NamespaceConfig> configs() {
        return snapshot.namespaces().stream().map(Namespace::config).toList();
    }

    /** The namespace named {@code name}, ignoring case. */
    public Optional<Namespace> namespace(String name) {
        requireNonNull(name, "name");
        return snapshot.namespaces().stream().filter(namespace -> namespace.name().equalsIgnoreCase(name)).findFirst();
    }

    public Namespace defaultNamespace() {
        return snapshot.defaultNamespace();
    }

    /**
     * Applies {@code change} to the namespaces' configurations. The result must keep names and host names unique
     * (ignoring case) and keep the default namespace; a namespace's host name does not change. Namespaces and
     * hybrid connections still there keep their objects (and connected listeners) with their new settings.
     *
     * @return the new configurations
     * @throws IllegalArgumentException when the result is invalid; nothing changes
     * @throws java.io.UncheckedIOException when the store cannot save it; nothing changes
     */
    public List<NamespaceConfig> update(UnaryOperator<List<NamespaceConfig>> change) {
        requireNonNull(change, "change");
        List<List<NamespaceConfig>> updated = new ArrayList<>(1);
        sequencer.accept(() -> updated.add(apply(change)));
        return updated.get(0);
    }

    /**
     * Replaces the namespaces with {@code namespaces}, as another node of the cluster changed them: validated, saved
     * and announced as by {@link #update}, but not run through the {@linkplain #sequenceUpdatesWith sequencer}.
     *
     * @throws IllegalArgumentException when they are invalid here; nothing changes
     * @throws java.io.UncheckedIOException when the store cannot save them; nothing changes
     */
    public void replace(List<NamespaceConfig> namespaces) {
        requireNonNull(namespaces, "namespaces");
        apply(configs -> namespaces);
    }

    private List<NamespaceConfig> apply(UnaryOperator<List<NamespaceConfig>> change) {
        Change announced;
        List<NamespaceConfig> updated;
        synchronized (this) {
            Snapshot before = snapshot;
            updated = List.copyOf(change.apply(configs()));
            validate(updated, before);
            store.accept(updated);
            List<Namespace> namespaces = new ArrayList<>(updated.size());
            List<Namespace> added = new ArrayList<>();
            List<Namespace> removed = new ArrayList<>(before.namespaces());
            List<HybridConnection> removedEntities = new ArrayList<>();
            for (NamespaceConfig config : updated) {
                Optional<Namespace> existing = removed.stream()
                        .filter(namespace -> namespace.name().equalsIgnoreCase(config.name())).findFirst();
                if (existing.isPresent()) {
                    removed.remove(existing.get());
                    removedEntities.addAll(existing.get().reconfigure(config));
                    namespaces.add(existing.get());
                } else {
                    Namespace namespace = new Namespace(config, maxListeners);
                    added.add(namespace);
                    namespaces.add(namespace);
                }
            }
            removed.forEach(namespace -> removedEntities.addAll(namespace.hybridConnections()));
            snapshot = Snapshot.of(namespaces, defaultNamespaceName);
            announced = new Change(added, removed, removedEntities);
        }
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(announced);
            } catch (RuntimeException e) {
                logger.warn("a registry change listener failed", e);
            }
        }
        return updated;
    }

    /** Saves every new configuration list from now on with {@code store} before it takes effect. */
    public void storeWith(Consumer<List<NamespaceConfig>> store) {
        this.store = requireNonNull(store, "store");
    }

    /**
     * Runs every {@link #update} from now on through {@code sequencer}, which must run it on the calling thread (a
     * cluster runs it under its lock, after this node caught up with the other nodes' changes) and pass its
     * exceptions on.
     */
    public void sequenceUpdatesWith(Consumer<Runnable> sequencer) {
        this.sequencer = requireNonNull(sequencer, "sequencer");
    }

    /** Calls {@code listener} after every change, on the changing thread. */
    public void onChange(Consumer<Change> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    private void validate(List<NamespaceConfig> updated, Snapshot before) {
        Set<String> names = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        for (NamespaceConfig config : updated) {
            if (!names.add(config.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("namespace " + config.name() + " exists already");
            }
            if (!hosts.add(config.hostName())) {
                throw new IllegalArgumentException("host name " + config.hostName() + " is another namespace's");
            }
            for (Namespace existing : before.namespaces()) {
                if (existing.name().equalsIgnoreCase(config.name()) && !existing.hostName().equals(config.hostName())) {
                    throw new IllegalArgumentException("hostName: " + config.hostName() + " (expected: "
                            + existing.hostName() + "; a namespace's host name does not change)");
                }
            }
        }
        if (!names.contains(defaultNamespaceName.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("namespace " + defaultNamespaceName + " is the gateway's default "
                    + "namespace (defaultNamespace, for clients addressing localhost) and cannot be deleted");
        }
    }

    /**
     * The namespace a request is for.
     *
     * @param host the host part of the {@code Host} header, without port (IPv6 with or without brackets), or
     *             {@code null} when the request had none
     * @param serverName the TLS SNI host name, or {@code null} without TLS or SNI
     * @return empty when the host names no namespace
     */
    public Optional<Namespace> resolve(String host, String serverName) {
        Snapshot current = snapshot;
        String name = normalize(host);
        if (name.isEmpty() || isLoopbackName(name)) {
            String sni = normalize(serverName);
            if (!sni.isEmpty() && !isLoopbackName(sni)) {
                Namespace bySni = current.byHost().get(sni);
                if (bySni != null) {
                    return Optional.of(bySni);
                }
            }
            return Optional.of(current.defaultNamespace());
        }
        return Optional.ofNullable(current.byHost().get(name));
    }

    /** Whether {@code host} is {@code localhost} or an IP literal: names that mean the default namespace. */
    public static boolean isLoopbackName(String host) {
        String name = normalize(host);
        return name.equals(LOCALHOST) || NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
    }

    /**
     * The host part of a {@code Host} header value: {@code localhost:9443} gives {@code localhost},
     * {@code [::1]:9443} gives {@code ::1}; {@code null} gives {@code ""}.
     */
    public static String hostPart(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String value = hostHeader.strip();
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close < 0 ? value.substring(1) : value.substring(1, close);
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
            return value.substring(0, colon);
        }
        return value;
    }

    private static String normalize(String host) {
        if (host == null) {
            return "";
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
