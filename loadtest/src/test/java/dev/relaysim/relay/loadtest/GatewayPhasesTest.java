package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The connection phases as the bench reads them from the gateway's {@code /metrics}. */
class GatewayPhasesTest {

    private static final String BEFORE = """
            # HELP relay_connection_phase_seconds One phase of a relayed connection's setup
            # TYPE relay_connection_phase_seconds histogram
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="1.0E-4"} 10
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="2.0E-4"} 10
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="+Inf"} 10
            relay_connection_phase_seconds_count{phase="accept_sent"} 10
            relay_connection_phase_seconds_sum{phase="accept_sent"} 0.0005
            relay_handshake_latency_seconds_count{action="connect"} 10
            """;
    private static final String AFTER = """
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="1.0E-4"} 20
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="2.0E-4"} 110
            relay_connection_phase_seconds_bucket{phase="accept_sent",le="+Inf"} 110
            relay_connection_phase_seconds_count{phase="accept_sent"} 110
            relay_connection_phase_seconds_sum{phase="accept_sent"} 0.0155
            relay_connection_phase_seconds_count{phase="sender_upgraded"} 0
            relay_connection_phase_seconds_sum{phase="sender_upgraded"} 0
            """;

    @Test
    void meanAndMedianCoverOnlyTheConnectionsOfTheInterval() {
        Map<String, Double> figures = GatewayPhases.Snapshot.parse(AFTER)
                .figuresSince(GatewayPhases.Snapshot.parse(BEFORE));

        // 100 connections, 15 ms in all: 150 us each on average.
        assertThat(figures.get("1 accept sent us")).isCloseTo(150, within(1e-6));
        // 10 of them up to 100 us, 90 between 100 and 200 us: the 50th lies 40/90 into that bucket.
        assertThat(figures.get("1 accept sent p50 us")).isCloseTo(100 + 100 * 40.0 / 90, within(1e-6));
        assertThat(figures).as("phases without connections are left out")
                .containsOnlyKeys("1 accept sent us", "1 accept sent p50 us");
    }

    /** A cluster's nodes each time the connections whose sender they hold: their expositions add up. */
    @Test
    void theExpositionsOfSeveralNodesAddUp() {
        Map<String, Double> figures = GatewayPhases.Snapshot.parse(AFTER + AFTER)
                .figuresSince(GatewayPhases.Snapshot.parse(BEFORE + BEFORE));

        assertThat(figures.get("1 accept sent us")).isCloseTo(150, within(1e-6));
        assertThat(figures.get("1 accept sent p50 us")).isCloseTo(100 + 100 * 80.0 / 180, within(1e-6));
    }

    @Test
    @Timeout(60)
    void aRelayedConnectionShowsItsThreePhasesOnMetrics() throws Exception {
        try (TestGateway gateway = TestGateway.builder().start()) {
            GatewayPhases phases = new GatewayPhases(new InetSocketAddress("127.0.0.1",
                    gateway.addresses().managementPort()));
            GatewayPhases.Snapshot before = phases.snapshot();
            try (TestListener listener = TestListener.connect(gateway.httpClient(),
                    gateway.listenUri(false, TestGateway.ENTITY), TestGateway.token(TestGateway.ENTITY),
                    new TestListener.Mode.Echo())) {
                WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, TestGateway.ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(TestGateway.ENTITY)))
                        .get(20, TimeUnit.SECONDS);
                sender.sendText("hello").get(10, TimeUnit.SECONDS);
                assertThat(sender.next(Duration.ofSeconds(10)).asText()).isEqualTo("hello");
            }
            Map<String, Double> figures = phases.snapshot().figuresSince(before);

            assertThat(figures).containsOnlyKeys("1 accept sent us", "1 accept sent p50 us", "2 rendezvous in us",
                    "2 rendezvous in p50 us", "3 sender 101 us", "3 sender 101 p50 us");
            assertThat(figures.values()).allSatisfy(micros -> assertThat(micros).isPositive());
        }
    }
}
