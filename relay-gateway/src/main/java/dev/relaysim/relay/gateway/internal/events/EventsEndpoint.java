package dev.relaysim.relay.gateway.internal.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.names.GatewayHandlerNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayDeque;
import java.util.Deque;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /relaysim/events} (the ring's events that pass a filter, as JSON) and {@code GET
 * /relaysim/events/stream} (Server-Sent Events, see {@link EventStream}); routes and JSON:
 * {@code docs/management-api.md}. Both sit behind the admin key.
 */
public final class EventsEndpoint {

    public static final String PATH = "/relaysim/events";
    public static final String STREAM_PATH = PATH + "/stream";
    static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final EventJournal journal;

    public EventsEndpoint(EventJournal journal) {
        this.journal = requireNonNull(journal, "journal");
    }

    /** The matching events still in the ring, oldest first: at most {@code limit}, the newest ones. */
    public ManagementResponse list(ManagementRequest request) {
        EventFilter filter = EventFilter.fromQuery(request.query());
        int limit = EventFilter.intParameter(request.query(), "limit", journal.capacity(), journal.capacity());
        Deque<EventJournal.Stored> matching = new ArrayDeque<>();
        long cursor = filter.sinceId();
        while (true) {
            EventJournal.Slice slice = journal.read(cursor, journal.capacity());
            if (slice.events().isEmpty()) {
                break;
            }
            for (EventJournal.Stored stored : slice.events()) {
                cursor = stored.id();
                if (filter.matches(stored.event())) {
                    matching.addLast(stored);
                    if (matching.size() > limit) {
                        matching.removeFirst();
                    }
                }
            }
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode events = json.putArray("events");
        matching.forEach(stored -> events.add(stored.event().toJson(stored.id())));
        json.put("lastId", journal.lastId());
        json.put("capacity", journal.capacity());
        return ManagementResponse.json(HttpResponseStatus.OK, json);
    }

    /**
     * The live stream: events after the request's {@code Last-Event-ID} (or {@code since} id) still in the ring, then
     * every new one, filtered.
     */
    public ManagementResponse stream(ManagementRequest request) {
        EventFilter filter = EventFilter.fromQuery(request.query());
        String lastEventId = request.headers().get(LAST_EVENT_ID);
        long startAfter;
        if (lastEventId != null) {
            try {
                startAfter = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(LAST_EVENT_ID + ": \"" + lastEventId + "\" (expected: an event "
                        + "id such as 42)", e);
            }
        } else {
            startAfter = filter.sinceId() > 0 || filter.sinceTime() != null ? filter.sinceId() : journal.lastId();
        }
        return ManagementResponse.streamed(EVENT_STREAM, ctx -> ctx.pipeline().addBefore(
                GatewayHandlerNames.ERROR_HANDLER,
                GatewayHandlerNames.MANAGEMENT_STREAM, new EventStream(journal, filter, startAfter)));
    }
}
