package dev.relaysim.relay.gateway.config;

import java.net.Inet4Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Failure toggles of the private DNS zone, per namespace (names compared ignoring case). They change only what VNet
 * clients get from the private zone, where a correct setup would answer the endpoint's address.
 *
 * @param staleARecords namespace → the old address its {@code <ns>.privatelink.servicebus.windows.net} A record
 *                      still holds (as after a private endpoint was re-created with a new address)
 * @param missingARecords namespaces whose A record is missing from the private zone: the Private Link name is
 *                        NXDOMAIN for VNet clients
 */
public record DnsFaults(Map<String, Inet4Address> staleARecords, Set<String> missingARecords) {

    /** No faults. */
    public static final DnsFaults NONE = new DnsFaults(Map.of(), Set.of());

    public DnsFaults {
        Map<String, Inet4Address> stale = new LinkedHashMap<>();
        requireNonNull(staleARecords, "staleARecords").forEach((namespace, address) -> {
            if (stale.put(key(namespace), requireNonNull(address, "address")) != null) {
                throw new InvalidValueException("staleARecords", "\"" + namespace
                        + "\" (expected: each namespace once, ignoring case)");
            }
        });
        staleARecords = Map.copyOf(stale);
        Set<String> missing = new TreeSet<>();
        requireNonNull(missingARecords, "missingARecords").forEach(namespace -> missing.add(key(namespace)));
        missingARecords = Set.copyOf(missing);
        for (String namespace : missingARecords) {
            if (staleARecords.containsKey(namespace)) {
                throw new InvalidValueException("missingARecords", "\"" + namespace
                        + "\" (expected: not also in staleARecords; a record is either stale or missing)");
            }
        }
    }

    /** The stale address {@code namespace}'s A record holds, if that fault is on. */
    public Optional<Inet4Address> staleARecord(String namespace) {
        return Optional.ofNullable(staleARecords.get(key(namespace)));
    }

    /** Whether {@code namespace}'s A record is missing from the private zone. */
    public boolean missingARecord(String namespace) {
        return missingARecords.contains(key(namespace));
    }

    /** The faults as JSON-ready maps: {@code {"staleARecords":{"ns":"ip"},"missingARecords":["ns"]}}. */
    public Map<String, Object> toJson() {
        Map<String, String> stale = new LinkedHashMap<>();
        new TreeSet<>(staleARecords.keySet()).forEach(ns -> stale.put(ns, staleARecords.get(ns).getHostAddress()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("staleARecords", stale);
        json.put("missingARecords", List.copyOf(new TreeSet<>(missingARecords)));
        return json;
    }

    private static String key(String namespace) {
        requireNonNull(namespace, "namespace");
        if (namespace.isBlank()) {
            throw new InvalidValueException("namespace", "\"\" (expected: a namespace name)");
        }
        return namespace.toLowerCase(Locale.ROOT);
    }
}
