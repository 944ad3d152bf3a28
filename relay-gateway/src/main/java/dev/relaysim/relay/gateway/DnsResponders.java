package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.internal.dns.DnsAnswerer;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.internal.dns.DnsServer;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The split-horizon DNS responders (UDP and TCP): the one on {@code dns.bindAddress}, and one per simulated virtual
 * network's resolver address ({@code gateway --netns}); each told about new and deleted namespaces.
 */
final class DnsResponders {

    private final NamespaceRegistry registry;
    private final NetworkState networkState;
    private final AtomicReference<DnsFaults> faults;
    private final GatewayMetrics metrics;
    private final ChannelGroup channels;
    private final EventLoopGroup group;
    private final Supplier<List<Inet4Address>> nodeAddresses;
    private final List<DnsAnswerer> answerers = new ArrayList<>();
    private final List<Channel> serverChannels = new ArrayList<>();

    DnsResponders(NamespaceRegistry registry, NetworkState networkState, AtomicReference<DnsFaults> faults,
                  GatewayMetrics metrics, ChannelGroup channels, EventLoopGroup group,
                  Supplier<List<Inet4Address>> nodeAddresses) {
        this.nodeAddresses = requireNonNull(nodeAddresses, "nodeAddresses");
        this.registry = requireNonNull(registry, "registry");
        this.networkState = requireNonNull(networkState, "networkState");
        this.faults = requireNonNull(faults, "faults");
        this.metrics = requireNonNull(metrics, "metrics");
        this.channels = requireNonNull(channels, "channels");
        this.group = requireNonNull(group, "group");
    }

    /**
     * Answers on {@code address:port}, public chains ending in {@code publicAddress}; a virtual network's resolver
     * ({@code resolver}) also says recursion is available, as Azure DNS does. On a node of a cluster the public
     * responder's chains end in the live nodes' front ends instead; a virtual network's resolver keeps its own.
     *
     * @return the bound UDP address
     * @throws IOException naming the address and port when they cannot be bound
     */
    synchronized InetSocketAddress bind(String address, int port, Inet4Address publicAddress, boolean resolver)
            throws IOException {
        DnsAnswerer answerer = new DnsAnswerer(registry.configs(), networkState::current, publicAddress,
                resolver ? List::of : nodeAddresses, faults::get, resolver);
        Channel[] bound = new DnsServer(answerer, metrics, channels).bind(group, address, port);
        answerers.add(answerer);
        serverChannels.addAll(List.of(bound));
        return (InetSocketAddress) bound[0].localAddress();
    }

    /** Every responder answers for the registry's current namespaces from now on. */
    synchronized void namespacesChanged() {
        answerers.forEach(answerer -> answerer.namespacesChanged(registry.configs()));
    }

    /** The UDP and TCP server channels, for the shutdown to close first. */
    synchronized List<Channel> serverChannels() {
        return List.copyOf(serverChannels);
    }

    /**
     * The public front end's address, where public DNS chains end: the advertised host if it is an IPv4 literal, else
     * the bind address if it is an IPv4 literal other than the wildcard, else 127.0.0.1.
     */
    static Inet4Address publicAddress(ListenSettings listen) throws IOException {
        String bindAddress = listen.bindAddress();
        Optional<String> advertised = Optional.ofNullable(listen.advertised().host())
                .filter(NetUtil::isValidIpV4Address);
        String address = advertised.orElse(NetUtil.isValidIpV4Address(bindAddress) && !bindAddress.equals("0.0.0.0")
                ? bindAddress : "127.0.0.1");
        return (Inet4Address) InetAddress.getByName(address);
    }
}
