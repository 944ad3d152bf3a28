package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.gateway.internal.admission.Refusals;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.JournalingEntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.EntityMetrics;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * The meters of one hybrid connection, for the routers: plain, or for one connection, journaling its moments as
 * well ({@link JournalingEntityMetrics}).
 */
record ConnectionMeters(GatewayMetrics metrics, EventJournal events, Clock clock) {

    ConnectionMeters {
        requireNonNull(metrics, "metrics");
        requireNonNull(events, "events");
        requireNonNull(clock, "clock");
    }

    /** The meters of {@code entity}. */
    EntityMetrics of(HybridConnection entity) {
        return metrics.entity(entity.namespace().name(), entity.name());
    }

    /**
     * The meters of {@code entity} for one connection.
     *
     * @param listenerId the listener's id, or null
     * @param trackingId the rendezvous id, or null
     * @param client the client's channel, whose remote address is the event's source
     */
    EntityMetrics of(HybridConnection entity, @Nullable String listenerId, @Nullable String trackingId,
                     Channel client) {
        return new JournalingEntityMetrics(of(entity), events, clock, entity.namespace().name(), entity.name(),
                listenerId, trackingId, Refusals.source(client));
    }
}
