package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class MicrometerGatewayMetricsTest {

    @Test
    void httpRequestsAreCountedByStatusClass() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            metrics.httpRequest(200);
            metrics.httpRequest(204);
            metrics.httpRequest(504);
            metrics.httpRequest(99);
            metrics.httpRequest(600);

            assertThat(statusClass(registry, "2xx")).isEqualTo(2);
            assertThat(statusClass(registry, "5xx")).isEqualTo(1);
            assertThat(statusClass(registry, "1xx") + statusClass(registry, "3xx") + statusClass(registry, "4xx"))
                    .isZero();
        }
    }

    @Test
    void entityMetersAreCachedAndTagged() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            EntityMetrics echo = metrics.entity("sandbox", "echo");
            assertThat(metrics.entity("sandbox", "echo")).isSameAs(echo);
            echo.listenerConnected();
            echo.listenerConnected();
            echo.listenerDisconnected();
            echo.relayed(TrafficDirection.LISTENER_TO_SENDER, 10, false);
            echo.relayed(TrafficDirection.LISTENER_TO_SENDER, 5, true);

            assertThat(registry.get(RelayMeters.LISTENERS_CONNECTED).tag(RelayMeters.ENTITY, "echo").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get(RelayMeters.RELAYED_BYTES)
                    .tag(RelayMeters.DIRECTION, "listener_to_sender").counter().count()).isEqualTo(15);
            assertThat(registry.get(RelayMeters.RELAYED_MESSAGES)
                    .tag(RelayMeters.DIRECTION, "listener_to_sender").counter().count()).isEqualTo(1);
            assertThat(registry.get(RelayMeters.RELAYED_MESSAGES)
                    .tag(RelayMeters.DIRECTION, "sender_to_listener").counter().count()).isZero();
        }
    }

    @Test
    void aFailingMeterNeverReachesTheCaller() {
        MeterRegistry registry = new SimpleMeterRegistry();
        // The registry refuses the entity meters: entity() falls back to recording nothing.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getTag(RelayMeters.ENTITY) != null));
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            assertThatCode(() -> {
                EntityMetrics entity = metrics.entity("sandbox", "echo");
                entity.relayed(TrafficDirection.SENDER_TO_LISTENER, 1, true);
                entity.rendezvousCompleted(TimeUnit.MILLISECONDS.toNanos(3));
                metrics.refused(RefusalReason.AUTH);
                metrics.handshakeCompleted(HcAction.LISTEN, 1);
            }).doesNotThrowAnyException();
            assertThat(registry.getMeters()).extracting(Meter::getId)
                    .noneMatch(id -> id.getName().equals(RelayMeters.RELAYED_BYTES));
        }
    }

    @Test
    void handshakeTimerRecordsOnceFromTheRequest() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            EmbeddedChannel channel = new EmbeddedChannel();
            long before = System.nanoTime();
            HandshakeTimer.start(channel, metrics);

            long started = HandshakeTimer.complete(channel, HcAction.ACCEPT);
            long again = HandshakeTimer.complete(channel, HcAction.ACCEPT);

            assertThat(started).isBetween(before, again);
            assertThat(registry.get(RelayMeters.HANDSHAKE_LATENCY).tag(RelayMeters.ACTION, "accept").timer().count())
                    .isEqualTo(1);
            assertThat(channel.finish()).isFalse();
        }
    }

    private static double statusClass(MeterRegistry registry, String statusClass) {
        return registry.get(RelayMeters.HTTP_REQUESTS).tag(RelayMeters.STATUS_CLASS, statusClass).counter().count();
    }
}
