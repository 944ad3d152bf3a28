package dev.relaysim.relay.gateway.internal.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.TrafficDirection;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The meters of one connection's hybrid connection, which also journal that connection's moments: the events are
 * recorded at exactly the places the metrics are, through the same calls. One instance per listener, rendezvous or
 * relayed connection, created with what identifies it. Bytes are counted here for the close event; the relay pair
 * calls {@link #relayed} and {@link #connectionClosed} on its one event loop, so plain fields suffice.
 */
public final class JournalingEntityMetrics implements EntityMetrics {

    private final EntityMetrics meters;
    private final EventJournal journal;
    private final Clock clock;
    private final String namespace;
    private final String entity;
    private final String listenerId;
    private final String trackingId;
    private final String source;
    private long bytesSenderToListener;
    private long bytesListenerToSender;
    private long openedAt;

    /**
     * @param listenerId the listener's id, or null
     * @param trackingId the connection's tracking id (the rendezvous id), or null
     * @param source the client's {@code address:port}, or null
     */
    public JournalingEntityMetrics(EntityMetrics meters, EventJournal journal, Clock clock, String namespace,
                                   String entity, String listenerId, String trackingId, String source) {
        this.meters = requireNonNull(meters, "meters");
        this.journal = requireNonNull(journal, "journal");
        this.clock = requireNonNull(clock, "clock");
        this.namespace = requireNonNull(namespace, "namespace");
        this.entity = requireNonNull(entity, "entity");
        this.listenerId = listenerId;
        this.trackingId = trackingId;
        this.source = source;
    }

    @Override
    public void listenerConnected() {
        meters.listenerConnected();
        record(RelayEvent.Operation.NEW_LISTENER_REGISTERED, "listener " + listenerId + " registered", null);
    }

    @Override
    public void listenerDisconnected() {
        meters.listenerDisconnected();
        record(RelayEvent.Operation.LISTENER_UNREGISTERED, "listener " + listenerId + "'s control channel closed",
                null);
    }

    @Override
    public void senderHeld() {
        meters.senderHeld();
    }

    @Override
    public void senderReleased() {
        meters.senderReleased();
    }

    @Override
    public void rendezvousIssued() {
        meters.rendezvousIssued();
        record(RelayEvent.Operation.LISTENER_ACCEPTING_CONNECTION, "accept sent to listener " + listenerId, null);
    }

    @Override
    public void rendezvousClaimed() {
        meters.rendezvousClaimed();
    }

    @Override
    public void rendezvousExpired() {
        meters.rendezvousExpired();
        record(RelayEvent.Operation.LISTENER_ACCEPTING_CONNECTION_TIMEOUT, "no listener accepted in time", null);
    }

    @Override
    public void rendezvousAbandoned() {
        meters.rendezvousAbandoned();
    }

    @Override
    public void rendezvousRejected() {
        meters.rendezvousRejected();
        record(RelayEvent.Operation.LISTENER_REJECTED_CONNECTION, "the listener rejected the connection", null);
    }

    @Override
    public void rendezvousCompleted(long nanos) {
        meters.rendezvousCompleted(nanos);
    }

    @Override
    public void connectionOpened() {
        meters.connectionOpened();
        openedAt = System.nanoTime();
        record(RelayEvent.Operation.SENDER_LISTENER_CONNECTION_ESTABLISHED, "relayed connection established", null);
    }

    @Override
    public void connectionClosed() {
        meters.connectionClosed();
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt);
        record(RelayEvent.Operation.SENDER_CONNECTION_CLOSED, "relayed connection closed after " + durationMs + " ms",
                RelayEvent.newDetails().put("bytesSenderToListener", bytesSenderToListener)
                        .put("bytesListenerToSender", bytesListenerToSender).put("durationMs", durationMs));
    }

    @Override
    public void relayed(TrafficDirection direction, int bytes, boolean finalFragment) {
        meters.relayed(direction, bytes, finalFragment);
        if (direction == TrafficDirection.SENDER_TO_LISTENER) {
            bytesSenderToListener += bytes;
        } else {
            bytesListenerToSender += bytes;
        }
    }

    private void record(RelayEvent.Operation operation, String message,
                        ObjectNode details) {
        journal.record(new RelayEvent(clock.instant(), operation, namespace, entity, listenerId, trackingId, source,
                message, details));
    }
}
