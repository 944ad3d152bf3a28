package dev.relaysim.relay.gateway.internal.management.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrafficHistoryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void samplesSumTheRelayMetersOverEntitiesAndKeepOnlyTheWindow() throws Exception {
        AtomicInteger echoListeners = new AtomicInteger(2);
        AtomicInteger ordersListeners = new AtomicInteger(1);
        registry.gauge(RelayMeters.LISTENERS_CONNECTED, Tags.of("entity", "echo"),
                echoListeners);
        registry.gauge(RelayMeters.LISTENERS_CONNECTED, Tags.of("entity", "orders"),
                ordersListeners);
        Counter toListener = registry.counter(RelayMeters.RELAYED_BYTES, "direction", "sender_to_listener");
        Counter toSender = registry.counter(RelayMeters.RELAYED_BYTES, "direction", "listener_to_sender");
        Counter refusals = registry.counter(RelayMeters.REFUSALS, "reason", "unauthorized");
        TrafficHistory history = new TrafficHistory(registry, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"),
                ZoneOffset.UTC), Duration.ofSeconds(5), Duration.ofSeconds(15));

        for (int i = 0; i < 5; i++) {
            toListener.increment(100);
            toSender.increment(10);
            refusals.increment();
            history.sample();
        }
        ordersListeners.set(0);

        JsonNode body = JSON.readTree(history.get(request()).body());
        assertThat(history.capacity()).isEqualTo(3);
        assertThat(body.path("intervalSeconds").asInt()).isEqualTo(5);
        JsonNode samples = body.path("samples");
        assertThat(samples).hasSize(4); // three kept plus the one taken for the answer
        assertThat(samples.get(0).path("relayedBytes").asLong()).isEqualTo(330);
        assertThat(samples.get(0).path("refusals").asLong()).isEqualTo(3);
        assertThat(samples.get(0).path("listeners").asLong()).isEqualTo(3);
        assertThat(samples.get(3).path("relayedBytes").asLong()).isEqualTo(550);
        assertThat(samples.get(3).path("listeners").asLong()).isEqualTo(2);
        assertThat(samples.get(3).path("activeConnections").asLong()).isZero();
        assertThat(samples.get(3).path("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aWindowShorterThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> new TrafficHistory(registry, Clock.systemUTC(), Duration.ofSeconds(5),
                Duration.ofSeconds(1))).hasMessage("interval: PT5S, window: PT1S (expected: 0 < interval <= window)");
    }

    private static ManagementRequest request() {
        return new ManagementRequest(HttpMethod.GET, TrafficHistory.PATH, Map.of(), Map.of(), new DefaultHttpHeaders(),
                "");
    }
}
