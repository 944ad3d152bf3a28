package dev.relaysim.relay.gateway.internal.registry;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ListenerSetTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(channel -> assertThat(channel.finishAndReleaseAll()).isFalse());
    }

    @Test
    void holdsAtMostTheLimit() {
        ListenerSet set = new ListenerSet(25);
        for (int i = 0; i < 25; i++) {
            assertThat(set.tryAdd(listener("l" + i, true))).isTrue();
        }
        ListenerConnection extra = listener("l25", true);
        assertThat(set.tryAdd(extra)).isFalse();
        assertThat(set.size()).isEqualTo(25);

        assertThat(set.remove(set.snapshot().get(3))).isTrue();
        assertThat(set.tryAdd(extra)).isTrue();
    }

    @Test
    void spreadsConnectionsOverReadyListeners() {
        ListenerSet set = new ListenerSet(25);
        ListenerConnection a = listener("a", true);
        ListenerConnection b = listener("b", true);
        ListenerConnection notReady = listener("c", false);
        set.tryAdd(a);
        set.tryAdd(notReady);
        set.tryAdd(b);

        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(set.next().orElseThrow().id(), 1, Integer::sum);
        }

        assertThat(picks).containsOnlyKeys("a", "b");
        assertThat(picks.get("a")).isBetween(33, 67);
    }

    @Test
    void skipsClosedListenersAndIsEmptyWithoutReadyOnes() {
        ListenerSet set = new ListenerSet(2);
        assertThat(set.next()).isEmpty();
        ListenerConnection closed = listener("gone", true);
        set.tryAdd(closed);
        closed.channel().close();

        assertThat(set.next()).isEmpty();
    }

    private ListenerConnection listener(String id, boolean ready) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        ListenerConnection listener = new ListenerConnection(id, channel, false);
        if (ready) {
            listener.markReady();
        }
        return listener;
    }
}
