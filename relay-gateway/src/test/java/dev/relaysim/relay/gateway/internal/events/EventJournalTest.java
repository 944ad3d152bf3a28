package dev.relaysim.relay.gateway.internal.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ring: bounded, numbered, read from a cursor with the losses counted, readers woken per event; the filters. */
class EventJournalTest {

    @Test
    void theRingKeepsTheNewestCapacityEventsAndCountsWhatAReaderLost() {
        EventJournal journal = new EventJournal(4);
        assertThat(journal.read(0, 10).events()).isEmpty();
        for (int i = 1; i <= 10; i++) {
            journal.record(event("e" + i, "echo"));
        }
        assertThat(journal.lastId()).isEqualTo(10);
        EventJournal.Slice all = journal.read(0, 100);
        assertThat(all.events()).extracting(EventJournal.Stored::id).containsExactly(7L, 8L, 9L, 10L);
        assertThat(all.dropped()).isEqualTo(6);
        assertThat(all.events().get(0).event().message()).isEqualTo("e7");
        EventJournal.Slice after8 = journal.read(8, 100);
        assertThat(after8.events()).extracting(EventJournal.Stored::id).containsExactly(9L, 10L);
        assertThat(after8.dropped()).isZero();
        assertThat(journal.read(6, 2).events()).extracting(EventJournal.Stored::id).containsExactly(7L, 8L);
        assertThat(journal.read(10, 100).events()).isEmpty();
        assertThatThrownBy(() -> new EventJournal(0)).hasMessage("capacity: 0 (expected: at least 1)");
    }

    @Test
    void readersAreWokenPerEventAndAFailingOneDoesNotStopRecording() {
        EventJournal journal = new EventJournal(8);
        AtomicInteger wakeUps = new AtomicInteger();
        Runnable reader = wakeUps::incrementAndGet;
        journal.addReader(() -> {
            throw new IllegalStateException("broken reader");
        });
        journal.addReader(reader);
        journal.record(event("one", "echo"));
        journal.record(event("two", "echo"));
        assertThat(wakeUps).hasValue(2);
        journal.removeReader(reader);
        journal.record(event("three", "echo"));
        assertThat(wakeUps).hasValue(2);
        assertThat(journal.lastId()).isEqualTo(3);
    }

    @Test
    void filtersSelectByNamespaceEntityKindAndTime() {
        RelayEvent registered = event("listener", "echo");
        RelayEvent other = new RelayEvent(Instant.parse("2026-12-07T01:00:00Z"),
                RelayEvent.Operation.CONNECTION_REFUSED, "contoso", "orders", null, null, null, "refused", null);
        EventFilter byKind = EventFilter.fromQuery(Map.of("kinds",
                List.of("NewListenerRegistered, ListenerUnregistered")));
        assertThat(byKind.matches(registered)).isTrue();
        assertThat(byKind.matches(other)).isFalse();
        EventFilter byEntity = EventFilter.fromQuery(Map.of("namespace", List.of("CONTOSO"), "entity",
                List.of("orders")));
        assertThat(byEntity.matches(other)).isTrue();
        assertThat(byEntity.matches(registered)).isFalse();
        assertThat(EventFilter.fromQuery(Map.of("since", List.of("42"))).sinceId()).isEqualTo(42);
        EventFilter byTime = EventFilter.fromQuery(Map.of("since", List.of("2026-12-07T00:59:59Z")));
        assertThat(byTime.matches(other)).isTrue();
        assertThat(byTime.matches(new RelayEvent(Instant.parse("2026-12-07T00:00:00Z"),
                RelayEvent.Operation.MANAGEMENT_CHANGE, null, null, null, null, null, "old", null))).isFalse();
        assertThatThrownBy(() -> EventFilter.fromQuery(Map.of("kinds", List.of("Teleported"))))
                .hasMessageStartingWith("kinds: \"Teleported\" (expected: an operation name");
        assertThatThrownBy(() -> EventFilter.fromQuery(Map.of("since", List.of("yesterday"))))
                .hasMessageStartingWith("since: \"yesterday\" (expected: an event id");
    }

    @Test
    void theJsonLeavesOutWhatDoesNotApply() {
        RelayEvent closed = new RelayEvent(Instant.parse("2026-12-07T01:30:00.123456Z"),
                RelayEvent.Operation.SENDER_CONNECTION_CLOSED, "sandbox", "echo", null, "abc_G1", "127.0.0.1:5000",
                "closed", RelayEvent.newDetails().put("bytesSenderToListener", 5).put("durationMs", 12));
        assertThat(closed.toJson(42).toString()).isEqualTo("{\"id\":42,\"time\":\"2026-12-07T01:30:00.123Z\","
                + "\"category\":\"HybridConnectionsEvent\",\"operationName\":\"SenderConnectionClosed\","
                + "\"namespace\":\"sandbox\",\"entity\":\"echo\",\"trackingId\":\"abc_G1\","
                + "\"source\":\"127.0.0.1:5000\",\"message\":\"closed\",\"bytesSenderToListener\":5,"
                + "\"durationMs\":12}");
    }

    private static RelayEvent event(String message, String entity) {
        return new RelayEvent(Instant.now(), RelayEvent.Operation.NEW_LISTENER_REGISTERED, "sandbox", entity,
                "listener-1", null, "127.0.0.1:1234", message, null);
    }
}
