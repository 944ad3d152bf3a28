package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.SharedBudget;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousTableTest {

    private final RendezvousTable table = new RendezvousTable();
    private final EmbeddedChannel sender = new EmbeddedChannel();
    private final EntityMatch match = new NamespaceRegistry(TestGateway.builder()
            .config(Path.of("unused"), new PortRange(9400, 9409))).defaultNamespace().match("echo").orElseThrow();
    private final List<PendingRendezvous> expired = new ArrayList<>();

    @AfterEach
    void finish() {
        assertThat(sender.finishAndReleaseAll()).isFalse();
    }

    @Test
    void idsAreRandomAndNameTheirInstance() {
        assertThat(PendingRendezvous.newId(7)).matches("[0-9a-f-]{36}_G7").isNotEqualTo(PendingRendezvous.newId(7));
    }

    @Test
    void claimsOnceOnItsOwnInstance() {
        PendingRendezvous pending = add("id-1", 3, Duration.ofSeconds(30));

        assertThat(table.claim("id-1", 4)).isEqualTo(new RendezvousTable.Claim.OtherInstance(3));
        assertThat(table.claim("id-1", 3)).isEqualTo(new RendezvousTable.Claim.Claimed(pending));
        assertThat(table.claim("id-1", 3)).isInstanceOf(RendezvousTable.Claim.Unknown.class);
        assertThat(table.claim("never", 3)).isInstanceOf(RendezvousTable.Claim.Unknown.class);
        assertThat(table.size()).isZero();
        pending.request().release();
    }

    @Test
    void expiresOnTheSendersLoopUnlessClaimed() {
        sender.freezeTime();
        PendingRendezvous claimed = add("claimed", 0, Duration.ofSeconds(30));
        PendingRendezvous waiting = add("waiting", 0, Duration.ofSeconds(30));
        assertThat(table.claim("claimed", 0)).isInstanceOf(RendezvousTable.Claim.Claimed.class);
        claimed.request().release();

        sender.advanceTimeBy(29, TimeUnit.SECONDS);
        sender.runScheduledPendingTasks();
        assertThat(expired).isEmpty();

        sender.advanceTimeBy(1, TimeUnit.SECONDS);
        sender.runScheduledPendingTasks();
        assertThat(expired).containsExactly(waiting);
        assertThat(table.claim("waiting", 0)).isInstanceOf(RendezvousTable.Claim.Unknown.class);
        waiting.request().release();
    }

    @Test
    void cancelRemovesOnce() {
        PendingRendezvous pending = add("gone", 1, Duration.ofSeconds(30));

        assertThat(table.cancel(pending)).isTrue();
        assertThat(table.cancel(pending)).isFalse();
        assertThat(table.claim("gone", 1)).isInstanceOf(RendezvousTable.Claim.Unknown.class);
        pending.request().release();
        sender.runScheduledPendingTasks();
        assertThat(expired).isEmpty();
    }

    @Test
    void inAClusterAWaitingSenderAlsoTakesAPlaceOfItsHybridConnectionOnAllNodes() {
        SharedBudget cluster = new SharedBudget(1);
        RendezvousTable node = new RendezvousTable(3, cluster);
        String key = "pending:" + TestGateway.NAMESPACE + "/echo";
        PendingRendezvous first = pending("first", 0);
        PendingRendezvous second = pending("second", 0);
        PendingRendezvous third = pending("third", 0);

        assertThat(node.add(first, Duration.ofSeconds(30), expired::add)).isCompletedWithValue(Placement.TAKEN);
        assertThat(node.add(second, Duration.ofSeconds(30), expired::add)).isCompletedWithValue(Placement.TAKEN);
        assertThat(node.add(third, Duration.ofSeconds(30), expired::add)).as("another node holds one of three")
                .isCompletedWithValue(Placement.FULL);
        assertThat(cluster.held(key)).isEqualTo(2);

        assertThat(node.claim("first", 0)).isInstanceOf(RendezvousTable.Claim.Claimed.class);
        assertThat(node.cancel(second)).isTrue();
        assertThat(cluster.held(key)).as("claimed and cancelled senders give their places back").isZero();
        assertThat(node.add(third, Duration.ofSeconds(30), expired::add)).isCompletedWithValue(Placement.TAKEN);
        assertThat(node.cancel(third)).isTrue();
        for (PendingRendezvous pending : List.of(first, second, third)) {
            pending.request().release();
        }
    }

    @Test
    void aSenderClosingWhileHeldRunsItsCloseActionOnce() {
        PendingRendezvous pending = pending("held", 0);
        List<String> closes = new ArrayList<>();
        pending.onSenderClosedWhileHeld(closed -> closes.add("closed; first release: " + pending.releaseSender()));

        sender.close();

        assertThat(closes).containsExactly("closed; first release: true");
        assertThat(pending.releaseSender()).isFalse();
        pending.request().release();
    }

    @Test
    void aReleasedSenderLeavesNoCloseActionBehind() {
        PendingRendezvous pending = pending("released", 0);
        List<String> closes = new ArrayList<>();
        pending.onSenderClosedWhileHeld(closed -> closes.add("closed"));

        assertThat(pending.releaseSender()).isTrue();
        sender.close();

        assertThat(closes).as("the action left the sender's close future when the sender was released").isEmpty();
        assertThat(pending.releaseSender()).isFalse();
        pending.request().release();
    }

    @Test
    void roundRobinsOverTheInstances() {
        RendezvousPorts ports = new RendezvousPorts(new PortRange(9400, 9402));
        assertThat(List.of(ports.nextInstance(), ports.nextInstance(), ports.nextInstance(), ports.nextInstance()))
                .containsExactly(0, 1, 2, 0);
        assertThat(ports.port(2)).isEqualTo(9402);
    }

    private PendingRendezvous add(String id, int instance, Duration timeout) {
        PendingRendezvous pending = pending(id, instance);
        table.add(pending, timeout, expired::add);
        return pending;
    }

    private PendingRendezvous pending(String id, int instance) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/$hc/echo");
        return new PendingRendezvous(id, instance, match, sender, request, 0);
    }
}
