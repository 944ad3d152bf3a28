package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.pipeline.GatewayChannelInitializer;
import dev.relaysim.relay.gateway.internal.pipeline.GatewayContext;
import dev.relaysim.relay.gateway.internal.pipeline.PortRole;
import dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's relay ports, each with its {@link PortRole}: the TLS and plain front ends and one rendezvous port
 * per gateway instance, a front end inside the rendezvous range being one port with role {@link PortRole#BOTH}. One
 * routine, {@link #bind(String)}, binds them all on an address: the bind address at start, then each private
 * endpoint's address and each public front-end address, on the same port numbers. A dedicated rendezvous port is
 * accepted on, and its connections served by, the one I/O loop {@link RendezvousPorts#loopOf} names, on every
 * address; a front end, with a native transport, by every I/O loop (one server channel each on the shared port), so
 * that no connection is handed from an accept thread to its loop.
 */
final class RelayPorts {

    /** Which of the gateway's ports a {@link Port} is, for its name and its place in {@link GatewayAddresses}. */
    enum Kind { TLS_FRONT_END, PLAIN_FRONT_END, RENDEZVOUS }

    /**
     * One port to bind.
     *
     * @param number the port number; 0 until the first bind when configured so
     * @param instance N of {@code gN} when the port serves rendezvous, else -1
     */
    record Port(Kind kind, int number, PortRole role, int instance) {

        /** Names the port in logs and bind failures. */
        String what() {
            return switch (kind) {
                case TLS_FRONT_END -> "TLS front end";
                case PLAIN_FRONT_END -> "plain front end";
                case RENDEZVOUS -> "rendezvous port of g" + instance;
            };
        }

        Port withNumber(int bound) {
            return new Port(kind, bound, role, instance);
        }
    }

    private final ServerBinder binder;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final GatewayContext context;
    private final @Nullable SslContext sslContext;
    private final List<EventLoop> ioLoops;
    private List<Port> ports;

    /**
     * @param sslContext the server TLS context, {@code null} when TLS is disabled
     */
    RelayPorts(ListenSettings listen, ServerBinder binder, EventLoopGroup acceptGroup, EventLoopGroup ioGroup,
               GatewayContext context, @Nullable SslContext sslContext) {
        this.binder = requireNonNull(binder, "binder");
        this.acceptGroup = requireNonNull(acceptGroup, "acceptGroup");
        this.ioGroup = requireNonNull(ioGroup, "ioGroup");
        this.ioLoops = EventLoops.loopsOf(ioGroup);
        this.context = requireNonNull(context, "context");
        this.sslContext = sslContext;
        ports = plan(listen);
    }

    /**
     * The ports {@code listen} asks for, in binding order: the TLS front end, the plain front end, then the
     * rendezvous ports that are not a front end too, by instance.
     */
    static List<Port> plan(ListenSettings listen) {
        PortRange range = listen.rendezvousPorts();
        List<Port> plan = new ArrayList<>(range.size() + 2);
        if (listen.tlsEnabled()) {
            plan.add(frontEnd(Kind.TLS_FRONT_END, listen.tlsPort(), range));
        }
        if (listen.plainEnabled()) {
            plan.add(frontEnd(Kind.PLAIN_FRONT_END, listen.plainPort(), range));
        }
        for (int instance = 0; instance < range.size(); instance++) {
            int shared = instance;
            if (plan.stream().noneMatch(port -> port.instance() == shared)) {
                plan.add(new Port(Kind.RENDEZVOUS, range.port(instance), PortRole.RENDEZVOUS, instance));
            }
        }
        return List.copyOf(plan);
    }

    private static Port frontEnd(Kind kind, int number, PortRange range) {
        int instance = range.instanceOf(number);
        return new Port(kind, number, instance < 0 ? PortRole.FRONT_END : PortRole.BOTH, instance);
    }

    /**
     * Binds every port on {@code host}; the first call fixes the port numbers for the later ones (a port configured
     * as 0 keeps the one the system chose). On failure closes what it bound.
     *
     * @return the server channels, by port in {@link #plan} order; a front end has one per I/O loop where the
     *         transport {@linkplain EventLoops#acceptsPerLoop() accepts per loop}
     * @throws IOException naming the port and address that cannot be bound
     */
    synchronized List<Channel> bind(String host) throws IOException {
        List<Channel> bound = new ArrayList<>(ports.size() + ioLoops.size());
        List<Port> fixed = new ArrayList<>(ports.size());
        try {
            for (Port port : ports) {
                List<Channel> channels = bind(host, port);
                bound.addAll(channels);
                fixed.add(port.withNumber(((InetSocketAddress) channels.get(0).localAddress()).getPort()));
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        ports = List.copyOf(fixed);
        return bound;
    }

    /**
     * A front end is accepted on every I/O loop where the transport allows, so that a sender or listener is
     * accepted on the loop that serves it; a dedicated rendezvous port on its own loop (see {@link #ownLoopOf});
     * anything else on the accept loop, which hands each connection to an I/O loop.
     */
    private List<Channel> bind(String host, Port port) throws IOException {
        GatewayChannelInitializer initializer =
                new GatewayChannelInitializer(context, port.role(), port.instance(), sslContextOf(port));
        if (port.kind() != Kind.RENDEZVOUS && EventLoops.acceptsPerLoop()) {
            return binder.bindPerLoop(port.what(), host, port.number(), ioLoops, initializer);
        }
        EventLoop own = ownLoopOf(port);
        return List.of(binder.bind(port.what(), host, port.number(), own != null ? own : acceptGroup,
                own != null ? own : ioGroup, initializer));
    }

    /**
     * A dedicated rendezvous port's own I/O loop, where {@link RendezvousPorts} placed it on one, else null (the
     * accept loop accepts, any I/O loop takes the connection). The port's server channel runs on that loop too: it
     * accepts there and registers each connection without a hand-off to another thread, so a rendezvous connection
     * is born on its sender's loop.
     */
    private @Nullable EventLoop ownLoopOf(Port port) {
        return port.role() == PortRole.RENDEZVOUS ? context.rendezvousPorts().loopOf(port.instance()) : null;
    }

    /**
     * Whether instance {@code gN}'s port serves rendezvous only under {@code listen} (is no front end too), so that
     * one event loop may take all its connections.
     */
    static IntPredicate dedicatedRendezvous(ListenSettings listen) {
        Set<Integer> dedicated = plan(listen).stream().filter(port -> port.role() == PortRole.RENDEZVOUS)
                .map(Port::instance).collect(Collectors.toUnmodifiableSet());
        return dedicated::contains;
    }

    /** The plain front end has no TLS; the other ports require it (front end) or detect it (rendezvous). */
    private @Nullable SslContext sslContextOf(Port port) {
        return port.kind() == Kind.PLAIN_FRONT_END && port.role() == PortRole.FRONT_END ? null : sslContext;
    }

    /**
     * Where the relay ports of {@code bound} (what {@link #bind} returned) listen, with the management server's and
     * the DNS responder's addresses (null where that server does not run).
     */
    synchronized GatewayAddresses addresses(List<Channel> bound, @Nullable InetSocketAddress management,
                                            @Nullable InetSocketAddress dns) {
        InetSocketAddress tls = null;
        InetSocketAddress plain = null;
        InetSocketAddress[] rendezvous = new InetSocketAddress[context.rendezvousPorts().size()];
        for (Channel channel : bound) {
            InetSocketAddress address = (InetSocketAddress) channel.localAddress();
            Port port = portNumbered(address.getPort());
            if (port.kind() == Kind.TLS_FRONT_END) {
                tls = address;
            } else if (port.kind() == Kind.PLAIN_FRONT_END) {
                plain = address;
            }
            if (port.role().servesRendezvous()) {
                rendezvous[port.instance()] = address;
            }
        }
        return new GatewayAddresses(tls, plain, List.of(rendezvous), management, dns);
    }

    private Port portNumbered(int number) {
        return ports.stream().filter(port -> port.number() == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("port " + number + " (expected: one bound by bind)"));
    }
}
