package dev.relaysim.relay.gateway.network;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** The network settings of one namespace: its rule set and its private endpoints. */
public record NamespaceNetwork(String namespace, NetworkRuleSet ruleSet, List<PrivateEndpoint> privateEndpoints) {

    /** Azure's limit of private endpoints per namespace. */
    public static final int MAX_PRIVATE_ENDPOINTS = 64;

    public NamespaceNetwork {
        requireNonNull(namespace, "namespace");
        requireNonNull(ruleSet, "ruleSet");
        privateEndpoints = List.copyOf(requireNonNull(privateEndpoints, "privateEndpoints"));
        if (privateEndpoints.size() > MAX_PRIVATE_ENDPOINTS) {
            throw new QuotaExceededException("namespaces." + namespace + ".privateEndpoints: "
                    + privateEndpoints.size() + " endpoints (expected: at most " + MAX_PRIVATE_ENDPOINTS
                    + " private endpoints per namespace)");
        }
        Set<String> names = new HashSet<>();
        for (PrivateEndpoint endpoint : privateEndpoints) {
            if (!names.add(endpoint.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("namespaces." + namespace + ".privateEndpoints: \""
                        + endpoint.name() + "\" (expected: unique private endpoint names)");
            }
        }
    }

    /** A namespace open to the public network, without private endpoints. */
    public static NamespaceNetwork open(String namespace) {
        return new NamespaceNetwork(namespace, NetworkRuleSet.OPEN, List.of());
    }

    public Optional<PrivateEndpoint> privateEndpoint(String name) {
        return privateEndpoints.stream().filter(endpoint -> endpoint.name().equalsIgnoreCase(name)).findFirst();
    }
}
