package dev.relaysim.relay.gateway.internal.events;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which events a reader wants: the query parameters of {@code /relaysim/events} and its stream, all optional and
 * combined with AND.
 *
 * @param namespace a namespace name (ignoring case), or null for all
 * @param entity a hybrid connection name (ignoring case), or null for all
 * @param kinds the operations wanted, empty for all
 * @param sinceId only events numbered after this (0: from the oldest in the ring)
 * @param sinceTime only events after this instant, or null
 */
public record EventFilter(@Nullable String namespace, @Nullable String entity, Set<RelayEvent.Operation> kinds,
                          long sinceId, @Nullable Instant sinceTime) {

    /** Every event. */
    public static final EventFilter ALL = new EventFilter(null, null, Set.of(), 0, null);

    public EventFilter {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    }

    /**
     * The filter of a request's query: {@code namespace}, {@code entity}, {@code kinds} (comma-separated operation
     * names) and {@code since} (an event id, or an ISO-8601 instant).
     *
     * @throws IllegalArgumentException naming the parameter, its value and what was expected
     */
    public static EventFilter fromQuery(Map<String, List<String>> query) {
        String namespace = single(query, "namespace");
        String entity = single(query, "entity");
        Set<RelayEvent.Operation> kinds = EnumSet.noneOf(RelayEvent.Operation.class);
        String kindsText = single(query, "kinds");
        if (kindsText != null) {
            for (String kind : kindsText.split(",")) {
                if (!kind.isBlank()) {
                    try {
                        kinds.add(RelayEvent.Operation.fromWireName(kind.strip()));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("kinds: " + e.getMessage());
                    }
                }
            }
        }
        long sinceId = 0;
        Instant sinceTime = null;
        String since = single(query, "since");
        if (since != null) {
            if (since.chars().allMatch(Character::isDigit) && !since.isEmpty() && since.length() < 19) {
                sinceId = Long.parseLong(since);
            } else {
                try {
                    sinceTime = Instant.parse(since);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("since: \"" + since + "\" (expected: an event id such as 42 "
                            + "or an ISO-8601 instant such as 2026-12-07T01:00:00Z)", e);
                }
            }
        }
        return new EventFilter(namespace, entity, kinds, sinceId, sinceTime);
    }

    /** Whether {@code stored} passes (its number is not checked: readers start after {@link #sinceId}). */
    public boolean matches(RelayEvent event) {
        return (namespace == null || namespace.equalsIgnoreCase(event.namespace()))
                && (entity == null || entity.equalsIgnoreCase(event.entity()))
                && (kinds.isEmpty() || kinds.contains(event.operationName())
                || event.operationName() == RelayEvent.Operation.EVENTS_DROPPED)
                && (sinceTime == null || event.time().isAfter(sinceTime));
    }

    /** A non-negative integer parameter, or {@code fallback} when absent. */
    static int intParameter(Map<String, List<String>> query, String name, int fallback, int max) {
        String text = single(query, name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(name + ": \"" + text + "\" (expected: 1-" + max + ')');
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
