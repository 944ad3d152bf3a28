package dev.relaysim.relay.gateway.internal.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * Counts what is open per key (a source address, a hybrid connection, a namespace). Each increment is undone by
 * exactly one {@link #decrement}; a key whose count returns to zero leaves the map, so the map holds only keys with
 * something open. Thread-safe: every change is atomic per key.
 *
 * @param <K> the key; compared with {@code equals}
 */
public final class KeyedCounter<K> {

    private final ConcurrentMap<K, Integer> counts = new ConcurrentHashMap<>();

    /**
     * Counts one more for {@code key} unless it already has {@code cap}.
     *
     * @return the new count, or -1 when {@code key} had {@code cap} already (nothing counted)
     */
    public int incrementBelow(K key, int cap) {
        requireNonNull(key, "key");
        int[] result = {-1};
        counts.compute(key, (k, current) -> {
            int count = current == null ? 0 : current;
            if (count >= cap) {
                return current;
            }
            result[0] = count + 1;
            return count + 1;
        });
        return result[0];
    }

    /**
     * Counts one less for {@code key}.
     *
     * @throws IllegalStateException if {@code key} has nothing counted (a decrement without its increment)
     */
    public void decrement(K key) {
        requireNonNull(key, "key");
        counts.compute(key, (k, current) -> {
            if (current == null) {
                throw new IllegalStateException("nothing counted for " + k);
            }
            return current == 1 ? null : current - 1;
        });
    }

    /** What is counted for {@code key}. */
    public int count(K key) {
        requireNonNull(key, "key");
        return counts.getOrDefault(key, 0);
    }

    /** The sum over all keys. */
    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
