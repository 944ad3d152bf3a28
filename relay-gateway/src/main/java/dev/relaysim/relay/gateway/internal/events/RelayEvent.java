package dev.relaysim.relay.gateway.internal.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static java.util.Objects.requireNonNull;

/**
 * One moment of the gateway's life, as the journal keeps it. Fields that do not apply are null and left out of the
 * JSON. Names and JSON: {@code docs/management-api.md}.
 *
 * @param time when it happened
 * @param operationName what happened, an {@link Operation}'s wire name
 * @param namespace the namespace's name, or null
 * @param entity the hybrid connection's name (or the requested path when none matched), or null
 * @param listenerId the listener's id ({@code sb-hc-id}), or null
 * @param trackingId the tracking id of the connection or error text, or null
 * @param source the client's {@code address:port}, or null
 * @param message what a person reads
 * @param details the fields of this kind of event ({@code statusCode}, {@code bytesSenderToListener} ...), or null
 */
public record RelayEvent(Instant time, Operation operationName, @Nullable String namespace, @Nullable String entity,
                         @Nullable String listenerId, @Nullable String trackingId, @Nullable String source,
                         String message, @Nullable ObjectNode details) {

    /** The operations, with Azure's {@code HybridConnectionsEvent} names where Azure has one. */
    public enum Operation {
        NEW_LISTENER_REGISTERED("NewListenerRegistered"),
        LISTENER_UNREGISTERED("ListenerUnregistered"),
        LISTENER_ACCEPTING_CONNECTION("ListenerAcceptingConnection"),
        LISTENER_ACCEPTING_CONNECTION_TIMEOUT("ListenerAcceptingConnectionTimeout"),
        LISTENER_REJECTED_CONNECTION("ListenerRejectedConnection"),
        SENDER_LISTENER_CONNECTION_ESTABLISHED("SenderListenerConnectionEstablished"),
        SENDER_CONNECTION_CLOSED("SenderConnectionClosed"),
        /** An HTTP-mode request: the listener opened no rendezvous for it, or did not respond, in time (504). */
        LISTENER_ACCEPTING_REQUEST_TIMEOUT("ListenerAcceptingRequestTimeout"),
        /** An HTTP-mode request: the listener went away or failed before its response was complete (502). */
        LISTENER_RETURNING_HTTP_RESPONSE_FAILED("ListenerReturningHttpResponseFailed"),
        AUTHORIZATION_FAILED("AuthorizationFailed"),
        CONNECTION_REFUSED("ConnectionRefused"),
        MANAGEMENT_CHANGE("ManagementChange"),
        /** Only in streams and the file: events a slow reader lost. */
        EVENTS_DROPPED("EventsDropped");

        private final String wireName;

        Operation(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The category of Azure's diagnostic logs this operation belongs to. */
        public String category() {
            return this == MANAGEMENT_CHANGE ? "ManagementEvent" : "HybridConnectionsEvent";
        }

        /** The operation named {@code wireName}, ignoring case. */
        public static Operation fromWireName(String wireName) {
            for (Operation operation : values()) {
                if (operation.wireName.equalsIgnoreCase(wireName)) {
                    return operation;
                }
            }
            throw new IllegalArgumentException('"' + wireName + "\" (expected: an operation name such as "
                    + NEW_LISTENER_REGISTERED.wireName + ')');
        }
    }

    public RelayEvent {
        requireNonNull(time, "time");
        requireNonNull(operationName, "operationName");
        requireNonNull(message, "message");
    }

    /** A new object for the {@code details} of an event. */
    public static ObjectNode newDetails() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The event's JSON with its journal {@code id}. */
    public ObjectNode toJson(long id) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id);
        json.put("time", time.truncatedTo(ChronoUnit.MILLIS).toString());
        json.put("category", operationName.category());
        json.put("operationName", operationName.wireName());
        putIfPresent(json, "namespace", namespace);
        putIfPresent(json, "entity", entity);
        putIfPresent(json, "listenerId", listenerId);
        putIfPresent(json, "trackingId", trackingId);
        putIfPresent(json, "source", source);
        json.put("message", message);
        if (details != null) {
            json.setAll(details);
        }
        return json;
    }

    private static void putIfPresent(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
