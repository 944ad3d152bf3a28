package dev.relaysim.relay.gateway.internal.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static java.util.Objects.requireNonNull;

/**
 * The last {@code capacity} events in a ring, numbered from 1. {@link #record} is what event loops call: it takes a
 * number, stores the event in its slot (overwriting the event {@code capacity} numbers older) and wakes the readers;
 * no lock, no I/O, no wait, so recording never slows traffic. Readers ({@link #read}) take what is still in the ring
 * after the last number they saw, and learn how many they lost when the ring overtook them; none of them can make
 * the journal hold more than {@code capacity} events.
 */
public final class EventJournal {

    /** The ring's size when {@code events.capacity} is not configured. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private static final Logger logger = LoggerFactory.getLogger(EventJournal.class);

    private final int capacity;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReferenceArray<Stored> ring;
    private final List<Runnable> readers = new CopyOnWriteArrayList<>();

    /** An event and its number. */
    public record Stored(long id, RelayEvent event) {
    }

    /**
     * What {@link #read} found.
     *
     * @param events the events after the requested number still in the ring, oldest first
     * @param dropped how many events after the requested number the ring no longer holds
     */
    public record Slice(List<Stored> events, long dropped) {
    }

    public EventJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at least 1)");
        }
        this.capacity = capacity;
        ring = new AtomicReferenceArray<>(capacity);
    }

    public int capacity() {
        return capacity;
    }

    /** The number of the newest event, 0 before the first. */
    public long lastId() {
        return sequence.get();
    }

    /** Keeps {@code event} and wakes the readers. Never blocks and never throws for a reader's sake. */
    public void record(RelayEvent event) {
        requireNonNull(event, "event");
        long id = sequence.incrementAndGet();
        ring.set(slot(id), new Stored(id, event));
        for (Runnable reader : readers) {
            try {
                reader.run();
            } catch (RuntimeException e) {
                logger.warn("an event reader's wake-up failed", e);
            }
        }
    }

    /**
     * Up to {@code max} events numbered after {@code afterId}, oldest first. An event whose number is taken but not
     * yet stored ends the slice: its writer wakes the readers again when it is there.
     */
    public Slice read(long afterId, int max) {
        long last = sequence.get();
        long first = Math.max(afterId + 1, last - capacity + 1);
        long dropped = Math.max(0, first - (afterId + 1));
        List<Stored> events = new ArrayList<>((int) Math.min(max, Math.max(0, last - first + 1)));
        for (long id = first; id <= last && events.size() < max; id++) {
            Stored stored = ring.get(slot(id));
            if (stored == null || stored.id() < id) {
                break; // numbered, not stored yet
            }
            if (stored.id() > id) {
                dropped++; // overwritten while we read
                continue;
            }
            events.add(stored);
        }
        return new Slice(List.copyOf(events), dropped);
    }

    /**
     * Calls {@code wakeUp} after every event from now on, on the recording thread (often an event loop): it must only
     * note that there is more to read, and hand the reading to its own thread.
     */
    public void addReader(Runnable wakeUp) {
        readers.add(requireNonNull(wakeUp, "wakeUp"));
    }

    public void removeReader(Runnable wakeUp) {
        readers.remove(wakeUp);
    }

    /** How many readers (streams, the file) are subscribed now. */
    public int readers() {
        return readers.size();
    }

    private int slot(long id) {
        return (int) ((id - 1) % capacity);
    }
}
