package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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

    @Test
    void aSendersTimerRecordsItsThreeConnectionPhasesAtItsHandshake() throws InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            EmbeddedChannel sender = new EmbeddedChannel();
            long before = System.nanoTime();
            HandshakeTimer.start(sender, metrics);
            TimeUnit.MILLISECONDS.sleep(2);
            HandshakeTimer.acceptSent(sender);
            TimeUnit.MILLISECONDS.sleep(2);
            HandshakeTimer.rendezvousOpened(sender);
            HandshakeTimer.complete(sender, HcAction.CONNECT);
            long elapsed = System.nanoTime() - before;

            double total = 0;
            for (ConnectionPhase phase : ConnectionPhase.values()) {
                Timer timer = registry.get(RelayMeters.CONNECTION_PHASE).tag(RelayMeters.PHASE, phase.tagValue())
                        .timer();
                assertThat(timer.count()).as(phase.tagValue()).isEqualTo(1);
                total += timer.totalTime(TimeUnit.NANOSECONDS);
            }
            assertThat(phaseNanos(registry, ConnectionPhase.ACCEPT_SENT)).isGreaterThanOrEqualTo(2e6);
            assertThat(phaseNanos(registry, ConnectionPhase.RENDEZVOUS_OPENED)).isGreaterThanOrEqualTo(2e6);
            assertThat(total).as("the phases add up to the handshake").isLessThanOrEqualTo(elapsed)
                    .isEqualTo(registry.get(RelayMeters.HANDSHAKE_LATENCY).tag(RelayMeters.ACTION, "connect").timer()
                            .totalTime(TimeUnit.NANOSECONDS));
            assertThat(sender.finish()).isFalse();
        }
    }

    @Test
    void noPhasesWithoutBothMomentsBetweenNorForOtherActions() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry)) {
            EmbeddedChannel refusedSender = new EmbeddedChannel();
            HandshakeTimer.start(refusedSender, metrics);
            HandshakeTimer.acceptSent(refusedSender);
            HandshakeTimer.complete(refusedSender, HcAction.CONNECT);
            EmbeddedChannel listener = new EmbeddedChannel();
            HandshakeTimer.start(listener, metrics);
            HandshakeTimer.acceptSent(listener);
            HandshakeTimer.rendezvousOpened(listener);
            HandshakeTimer.complete(listener, HcAction.ACCEPT);
            EmbeddedChannel untimed = new EmbeddedChannel();
            HandshakeTimer.acceptSent(untimed);
            HandshakeTimer.rendezvousOpened(untimed);

            for (ConnectionPhase phase : ConnectionPhase.values()) {
                assertThat(registry.get(RelayMeters.CONNECTION_PHASE).tag(RelayMeters.PHASE, phase.tagValue()).timer()
                        .count()).as(phase.tagValue()).isZero();
            }
            refusedSender.finishAndReleaseAll();
            listener.finishAndReleaseAll();
            untimed.finishAndReleaseAll();
        }
    }

    private static double phaseNanos(MeterRegistry registry, ConnectionPhase phase) {
        return registry.get(RelayMeters.CONNECTION_PHASE).tag(RelayMeters.PHASE, phase.tagValue()).timer()
                .totalTime(TimeUnit.NANOSECONDS);
    }

    private static double statusClass(MeterRegistry registry, String statusClass) {
        return registry.get(RelayMeters.HTTP_REQUESTS).tag(RelayMeters.STATUS_CLASS, statusClass).counter().count();
    }
}
