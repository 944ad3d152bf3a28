package dev.relaysim.relay.gateway.registry;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The namespaces of a gateway, found by the host a client addressed. {@code localhost} and IP literals mean
 * the configured default namespace, unless the TLS server name indication names a namespace; a namespace is
 * also found by its Private Link name {@code <name>.privatelink.servicebus.windows.net}.
 */
public final class NamespaceRegistry {

    private static final String LOCALHOST = "localhost";

    private final List<Namespace> namespaces;
    private final Namespace defaultNamespace;
    private final Map<String, Namespace> byHost = new HashMap<>();

    public NamespaceRegistry(GatewayConfig config) {
        requireNonNull(config, "config");
        int maxListeners = config.protocol().maxListenersPerEndpoint();
        List<Namespace> list = new ArrayList<>(config.namespaces().size());
        Namespace defaultOne = null;
        for (NamespaceConfig namespaceConfig : config.namespaces()) {
            Namespace namespace = new Namespace(namespaceConfig, maxListeners);
            list.add(namespace);
            byHost.put(namespace.hostName(), namespace);
            byHost.putIfAbsent(namespace.privateLinkHostName(), namespace);
            if (namespace.name().equalsIgnoreCase(config.defaultNamespace())) {
                defaultOne = namespace;
            }
        }
        namespaces = List.copyOf(list);
        defaultNamespace = requireNonNull(defaultOne, "defaultNamespace");
    }

    public List<Namespace> namespaces() {
        return namespaces;
    }

    public Namespace defaultNamespace() {
        return defaultNamespace;
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
        String name = normalize(host);
        if (name.isEmpty() || isLoopbackName(name)) {
            String sni = normalize(serverName);
            if (!sni.isEmpty() && !isLoopbackName(sni)) {
                Namespace bySni = byHost.get(sni);
                if (bySni != null) {
                    return Optional.of(bySni);
                }
            }
            return Optional.of(defaultNamespace);
        }
        return Optional.ofNullable(byHost.get(name));
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
