package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.config.ClusterSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster-wide limits' counts with two Hazelcast members in this JVM (127.0.1.41 and 127.0.1.42, port 5711, so
 * they never join {@link ClusterRoutingIntegrationTest}'s nodes): one budget for both, places given back one by one
 * and all at once when a member leaves; and what a place costs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedCountersTest {

    private static final List<String> MEMBERS = List.of("127.0.1.41", "127.0.1.42");
    private static final int PORT = 5711;

    private HazelcastCluster first;
    private HazelcastCluster second;

    @AfterEach
    void leave() {
        for (HazelcastCluster cluster : new HazelcastCluster[] {first, second}) {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void bothMembersTakeFromOneBudgetAndALeavingMembersPlacesAreGivenBack() {
        startBoth();
        ClusterCounts a = first.counts();
        ClusterCounts b = second.counts();

        assertThat(taken(a, "namespace:ns", 5)).isTrue();
        assertThat(taken(a, "namespace:ns", 5)).isTrue();
        assertThat(taken(a, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).as("the sixth place of five").isFalse();
        assertThat(taken(a, "namespace:other", 5)).as("another key, another budget").isTrue();

        b.release("namespace:ns");
        await().atMost(Duration.ofSeconds(10)).until(() -> taken(b, "namespace:ns", 5));
        assertThat(taken(a, "namespace:ns", 5)).isFalse();

        first.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> second.members().size() == 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(((SharedCounters) b).counts("namespace:ns")).as("node 1's three places given back")
                        .hasSize(1).containsValue(2));
        assertThat(taken(b, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).isTrue();
        assertThat(taken(b, "namespace:ns", 5)).isFalse();
        for (int i = 0; i < 5; i++) {
            b.release("namespace:ns");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(((SharedCounters) b).counts("namespace:ns")).as("the key goes with its last place")
                        .isEmpty());
        b.release("namespace:ns");
        assertThat(taken(b, "namespace:ns", 1)).as("a release without a place leaves nothing negative").isTrue();
    }

    /**
     * Prints what taking and giving back a place costs, on a key owned by this member and by the other: the round
     * trip until the answer, and the part of it on the caller's thread (a sender's event loop), which only submits.
     */
    @Test
    void aPlaceCostsOneEntryProcessorRoundTrip() {
        startBoth();
        ClusterCounts counts = first.counts();
        int rounds = 2_000;
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            long start = System.nanoTime();
            long onCaller = 0;
            for (int i = 0; i < rounds; i++) {
                String key = "namespace:ns" + (i % 31);
                long asked = System.nanoTime();
                CompletionStage<Placement> answer = counts.acquire(key, 1_000_000);
                onCaller += System.nanoTime() - asked;
                assertThat(answer.toCompletableFuture().join()).isEqualTo(Placement.TAKEN);
                counts.release(key);
            }
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            System.out.printf("cluster limits: acquire + release over 31 keys (about half owned by the other "
                    + "member), %d rounds: %.1f us per place, of which %.1f us on the caller's thread%n", rounds,
                    micros / (double) rounds, TimeUnit.NANOSECONDS.toMicros(onCaller) / (double) rounds);
        }
    }

    private static boolean taken(ClusterCounts counts, String key, int cap) {
        return counts.acquire(key, cap).toCompletableFuture().join() == Placement.TAKEN;
    }

    private void startBoth() {
        first = start("127.0.1.41");
        second = start("127.0.1.42");
        await().atMost(Duration.ofSeconds(60)).until(() -> first.members().size() == 2
                && second.members().size() == 2);
    }

    private static HazelcastCluster start(String address) {
        NamespaceRegistry registry = new NamespaceRegistry(TestGateway.builder()
                .config(Path.of("unused"), new PortRange(9400, 9409)));
        return HazelcastCluster.start(new ClusterSettings(MEMBERS, address, PORT), address, registry);
    }
}
