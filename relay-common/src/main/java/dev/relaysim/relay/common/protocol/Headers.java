package dev.relaysim.relay.common.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Immutable, insertion-ordered copies of the header maps in control commands. */
final class Headers {

    private Headers() {
    }

    /** An unmodifiable copy of {@code headers} in its iteration order; {@code null} becomes an empty map. */
    static Map<String, String> copyOf(Map<String, String> headers, String name) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>(headers.size() * 2);
        headers.forEach((key, value) -> {
            requireNonNull(key, name + " key");
            requireNonNull(value, name + "[" + key + "]");
            copy.put(key, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}
