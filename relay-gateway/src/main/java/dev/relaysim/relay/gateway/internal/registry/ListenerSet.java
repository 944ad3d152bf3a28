package dev.relaysim.relay.gateway.internal.registry;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The listeners of one hybrid connection: at most {@code maxListeners} (25, as in Azure), picked in turn so that
 * every listener gets connections. A listener takes its place before its WebSocket handshake (so the one over the
 * limit can be refused with an HTTP status) but is picked only once {@link ListenerConnection#isReady() ready}.
 * Safe to use from any thread.
 */
public final class ListenerSet {

    private final int maxListeners;
    private final List<ListenerConnection> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger cursor = new AtomicInteger();

    public ListenerSet(int maxListeners) {
        if (maxListeners < 1) {
            throw new IllegalArgumentException("maxListeners: " + maxListeners + " (expected: >= 1)");
        }
        this.maxListeners = maxListeners;
    }

    public int maxListeners() {
        return maxListeners;
    }

    /** Adds a listener unless the set is full. */
    public synchronized boolean tryAdd(ListenerConnection listener) {
        requireNonNull(listener, "listener");
        if (listeners.size() >= maxListeners) {
            return false;
        }
        listeners.add(listener);
        return true;
    }

    public boolean remove(ListenerConnection listener) {
        return listeners.remove(listener);
    }

    /** How many listeners hold a place, ready or not. */
    public int size() {
        return listeners.size();
    }

    /** A snapshot of the listeners holding a place. */
    public List<ListenerConnection> snapshot() {
        return List.copyOf(listeners);
    }

    /** The next ready listener in turn, or empty when none is ready. */
    public Optional<ListenerConnection> next() {
        Object[] current = listeners.toArray();
        int count = current.length;
        if (count == 0) {
            return Optional.empty();
        }
        int start = Math.floorMod(cursor.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            ListenerConnection candidate = (ListenerConnection) current[(start + i) % count];
            if (candidate.isReady()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
