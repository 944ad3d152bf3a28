package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting senders per hybrid connection, counted exactly by the rendezvous table, and unguessable ids. */
class PendingRendezvousLimitTest {

    private final RendezvousTable table = new RendezvousTable(2);
    private final EmbeddedChannel sender = new EmbeddedChannel();
    private final Namespace namespace = new NamespaceRegistry(TestGateway.builder()
            .config(Path.of("unused"), new PortRange(9400, 9409))).defaultNamespace();
    private final EntityMatch echo = namespace.match(TestGateway.ENTITY).orElseThrow();
    private final EntityMatch open = namespace.match(TestGateway.OPEN_ENTITY).orElseThrow();

    @AfterEach
    void finish() {
        assertThat(table.size()).isZero();
        assertThat(table.waiting(echo.entity())).isZero();
        assertThat(sender.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusesTheThirdWaitingSenderOfAnEntityUntilOneLeaves() {
        sender.freezeTime();
        PendingRendezvous claimed = pending(echo);
        PendingRendezvous cancelled = pending(echo);
        assertThat(table.add(claimed, Duration.ofSeconds(30), expired -> { })).isCompletedWithValue(Placement.TAKEN);
        assertThat(table.add(cancelled, Duration.ofSeconds(30), expired -> { })).isCompletedWithValue(Placement.TAKEN);
        PendingRendezvous third = pending(echo);
        assertThat(table.add(third, Duration.ofSeconds(30), expired -> { })).isCompletedWithValue(Placement.FULL);
        assertThat(table.find(third.id())).isEmpty();
        assertThat(table.waiting(echo.entity())).isEqualTo(2);
        PendingRendezvous other = pending(open);
        assertThat(table.add(other, Duration.ofSeconds(30), expired -> { })).as("another entity")
                .isCompletedWithValue(Placement.TAKEN);

        assertThat(table.claim(claimed.id(), 0)).isInstanceOf(RendezvousTable.Claim.Claimed.class);
        assertThat(table.waiting(echo.entity())).isOne();
        assertThat(table.add(third, Duration.ofSeconds(5), expired -> expired.request().release()))
                .isCompletedWithValue(Placement.TAKEN);
        assertThat(table.cancel(cancelled)).isTrue();
        assertThat(table.cancel(cancelled)).isFalse();
        assertThat(table.waiting(echo.entity())).isOne();
        assertThat(table.cancel(other)).isTrue();

        sender.advanceTimeBy(5, TimeUnit.SECONDS);
        sender.runScheduledPendingTasks();
        assertThat(table.waiting(echo.entity())).as("expired").isZero();
        for (PendingRendezvous done : new PendingRendezvous[] {claimed, cancelled, other}) {
            done.request().release();
        }
    }

    @Test
    void idsAreGuidsWithAllTheirBitsRandom() {
        int samples = 20_000;
        int[] ones = new int[128];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < samples; i++) {
            String id = PendingRendezvous.newId(42);
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_G42");
            String guid = id.substring(0, 36);
            assertThat(UUID.fromString(guid).toString()).isEqualTo(guid);
            assertThat(seen.add(guid)).isTrue();
            byte[] bits = HexFormat.of().parseHex(guid.replace("-", ""));
            for (int bit = 0; bit < 128; bit++) {
                if ((bits[bit / 8] >> (7 - bit % 8) & 1) != 0) {
                    ones[bit]++;
                }
            }
        }
        // Each bit is set in about half the ids (a fixed version or variant bit, as in UUID.randomUUID, is not);
        // 42%-58% is more than 20 standard deviations wide, so a fair bit falls outside with negligible odds.
        for (int bit = 0; bit < 128; bit++) {
            assertThat(ones[bit]).as("ids with bit %d set", bit).isBetween(samples * 42 / 100, samples * 58 / 100);
        }
    }

    private PendingRendezvous pending(EntityMatch match) {
        return new PendingRendezvous(PendingRendezvous.newId(0), 0, match, sender,
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/$hc/" + match.entity().name()), 0);
    }
}
