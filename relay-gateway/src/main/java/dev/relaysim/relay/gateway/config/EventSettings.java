package dev.relaysim.relay.gateway.config;

/**
 * The event journal (JSON object {@code events}): see {@code docs/management-api.md}.
 *
 * @param capacity how many events the in-memory ring keeps (the oldest go first), 1-{@value #MAX_CAPACITY} (default
 *                 {@value #DEFAULT_CAPACITY})
 * @param file whether events are also appended as JSON lines to {@code events.jsonl} in the data directory, when
 *             the data directory is configured explicitly (default false)
 */
public record EventSettings(int capacity, boolean file) {

    public static final int DEFAULT_CAPACITY = 10_000;
    public static final int MAX_CAPACITY = 1_000_000;
    /** The defaults: what configurations built in code get. */
    public static final EventSettings DEFAULTS = new EventSettings(DEFAULT_CAPACITY, false);

    public EventSettings {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new InvalidValueException("capacity", capacity + " (expected: 1-" + MAX_CAPACITY + ')');
        }
    }
}
