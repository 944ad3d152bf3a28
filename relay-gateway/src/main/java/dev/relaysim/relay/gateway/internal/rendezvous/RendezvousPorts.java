package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static java.util.Objects.requireNonNull;

/**
 * The gateway instances {@code g0..g(n-1)}, one per rendezvous port ({@code 9400..9599} by default), handed out in
 * turn to new rendezvous. Thread-safe.
 *
 * <p>With event loops ({@link #RendezvousPorts(PortRange, AdvertisedSettings, List, IntPredicate)}) the dedicated
 * rendezvous ports are spread over the gateway's I/O loops, each port's connections accepted by one loop
 * ({@link #loopOf}), and a sender on loop k is given a port of loop k ({@link #nextInstance(EventLoop)}): the
 * listener's rendezvous connection is then born on the loop its pair will run on, with no move between loops (no
 * deregistration, no {@code epoll_ctl}, no wake-up of another loop). Each loop's ports are handed out in turn.
 */
public final class RendezvousPorts {

    private final PortRange range;
    private final AdvertisedSettings advertised;
    private final AtomicInteger cursor = new AtomicInteger();
    /** By instance: the loop that accepts its connections, null where any loop of the group may. */
    private final @Nullable EventLoop[] loops;
    private final Map<EventLoop, LoopPorts> byLoop;

    /** A loop's instances, handed out in turn. */
    private record LoopPorts(int[] instances, AtomicInteger cursor) {

        int next() {
            return instances[Math.floorMod(cursor.getAndIncrement(), instances.length)];
        }
    }

    /** Ports that clients reach as bound. */
    public RendezvousPorts(PortRange range) {
        this(range, AdvertisedSettings.NONE);
    }

    /**
     * Ports any loop may accept on.
     *
     * @param range the bound ports
     * @param advertised the host and rendezvous ports clients are told, when they differ from the bound ones
     */
    public RendezvousPorts(PortRange range, AdvertisedSettings advertised) {
        this(range, advertised, List.of(), instance -> false);
    }

    /**
     * Ports spread over {@code loops}: the {@code i}-th instance {@code dedicated} accepts is bound for loop
     * {@code i mod loops.size()}; the others (a front end inside the range) stay open to any loop.
     *
     * @param range the bound ports
     * @param advertised the host and rendezvous ports clients are told, when they differ from the bound ones
     * @param loops the I/O loops that run relay pairs; empty: no port has a loop of its own
     * @param dedicated whether an instance's port serves rendezvous only, so that one loop may accept on it
     */
    public RendezvousPorts(PortRange range, AdvertisedSettings advertised, List<? extends EventLoop> loops,
                           IntPredicate dedicated) {
        this.range = requireNonNull(range, "range");
        this.advertised = requireNonNull(advertised, "advertised");
        requireNonNull(dedicated, "dedicated");
        this.loops = new EventLoop[range.size()];
        Map<EventLoop, List<Integer>> instancesByLoop = new IdentityHashMap<>();
        int placed = 0;
        for (int instance = 0; instance < range.size() && !loops.isEmpty(); instance++) {
            if (dedicated.test(instance)) {
                EventLoop loop = requireNonNull(loops.get(placed++ % loops.size()), "loops[i]");
                this.loops[instance] = loop;
                instancesByLoop.computeIfAbsent(loop, key -> new ArrayList<>()).add(instance);
            }
        }
        Map<EventLoop, LoopPorts> turns = new IdentityHashMap<>();
        instancesByLoop.forEach((loop, instances) -> turns.put(loop,
                new LoopPorts(instances.stream().mapToInt(Integer::intValue).toArray(), new AtomicInteger())));
        byLoop = turns;
    }

    public PortRange range() {
        return range;
    }

    /** How many instances there are. */
    public int size() {
        return range.size();
    }

    /** The port of instance {@code gN}. */
    public int port(int instance) {
        return range.port(instance);
    }

    /**
     * The loop that accepts the connections of instance {@code gN}'s port, or null where any loop of the group may
     * (no loops given, or a port shared with a front end).
     */
    public @Nullable EventLoop loopOf(int instance) {
        return loops[requireIndex(instance)];
    }

    /**
     * {@code host:port} of instance {@code gN} in accept and request addresses: the advertised host, else the local
     * address the listener's control channel reached; the advertised port of gN, else the bound one.
     */
    public String authority(InetSocketAddress listenerLocalAddress, int instance) {
        return advertised.urlHost(listenerLocalAddress.getAddress()) + ':'
                + advertised.rendezvousPort(instance, port(instance));
    }

    /** The instance for the next rendezvous, round-robin over all of them. */
    public int nextInstance() {
        return Math.floorMod(cursor.getAndIncrement(), range.size());
    }

    /**
     * The instance for the next rendezvous of a sender on {@code senderLoop}: one whose port that loop accepts on,
     * in turn; where it has none, {@link #nextInstance()} (the listener's connection then moves to the sender's
     * loop).
     */
    public int nextInstance(EventLoop senderLoop) {
        LoopPorts own = byLoop.get(requireNonNull(senderLoop, "senderLoop"));
        return own != null ? own.next() : nextInstance();
    }

    private int requireIndex(int instance) {
        if (instance < 0 || instance >= range.size()) {
            throw new IndexOutOfBoundsException("instance: " + instance + " (expected: 0-" + (range.size() - 1)
                    + ')');
        }
        return instance;
    }
}
