package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.network.NetworkModel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's relay ports on addresses beyond the bind address, on the same port numbers: every private endpoint's
 * address of the live network model (bound and unbound as endpoints come and go), and the public front-end
 * addresses {@code gateway --netns} adds. The server certificate is reissued to cover an address before it is
 * served, since accept addresses name the address a listener reached.
 */
final class EndpointAddresses {

    private static final Logger logger = LoggerFactory.getLogger(EndpointAddresses.class);

    private final String bindAddress;
    private final RelayPorts ports;
    private final ServerCertificates certificates;
    /** The server channels listening on each private endpoint's address. */
    private final Map<InetAddress, List<Channel>> endpointChannels = new LinkedHashMap<>();
    /** Private endpoint addresses that could not be bound; not retried until the endpoint is gone and back. */
    private final Set<InetAddress> unboundEndpoints = new LinkedHashSet<>();
    /** The public front-end addresses served. */
    private final Set<InetAddress> publicFrontEnds = new LinkedHashSet<>();
    private final List<Channel> publicFrontEndChannels = new ArrayList<>();

    EndpointAddresses(String bindAddress, RelayPorts ports, ServerCertificates certificates) {
        this.bindAddress = requireNonNull(bindAddress, "bindAddress");
        this.ports = requireNonNull(ports, "ports");
        this.certificates = requireNonNull(certificates, "certificates");
    }

    /**
     * Listens on every private endpoint address of {@code model} not bound yet. Not with a wildcard bind address,
     * which covers them. An address that cannot be bound (not configured on this machine) is logged and skipped.
     */
    synchronized void bindPrivateEndpoints(NetworkModel model) {
        for (Map.Entry<InetAddress, NetworkModel.Owned> entry : model.privateEndpointsByAddress().entrySet()) {
            InetAddress address = entry.getKey();
            if (endpointChannels.containsKey(address) || unboundEndpoints.contains(address)
                    || isBindAddress(address)) {
                continue;
            }
            String host = address.getHostAddress();
            String endpoint = entry.getValue().endpoint().name();
            String namespace = entry.getValue().namespace();
            try {
                endpointChannels.put(address, ports.bind(host));
            } catch (IOException e) {
                unboundEndpoints.add(address);
                logger.warn("private endpoint {} of {}: cannot listen on {} ({}); on Linux 127.0.0.0/8 is all "
                        + "loopback, elsewhere add the address to an interface (e.g. macOS: sudo ifconfig lo0 alias "
                        + "{})", endpoint, namespace, host, e.getMessage(), host);
                continue;
            }
            logger.info("listening on private endpoint {} of {} at {}", endpoint, namespace, host);
        }
    }

    /** Binds new private endpoint addresses of {@code model} and unbinds those of endpoints that are gone. */
    synchronized void networkChanged(NetworkModel model) {
        Set<InetAddress> current = model.privateEndpointsByAddress().keySet();
        for (InetAddress address : List.copyOf(endpointChannels.keySet())) {
            if (!current.contains(address)) {
                for (Channel channel : endpointChannels.remove(address)) {
                    ChannelFuture closed = channel.close();
                    if (!channel.eventLoop().inEventLoop()) {
                        closed.awaitUninterruptibly(); // unbound when the change returns
                    }
                }
                logger.info("stopped listening on {}: its private endpoint is gone", address.getHostAddress());
            }
        }
        unboundEndpoints.retainAll(current);
        if (current.stream().anyMatch(address -> !endpointChannels.containsKey(address)
                && !unboundEndpoints.contains(address) && !isBindAddress(address))) {
            // The server certificate must cover the new address: it is handed out in accept addresses.
            certificates.reissue("new private endpoint addresses");
            bindPrivateEndpoints(model);
        }
    }

    /**
     * Serves the relay ports on {@code frontEnds} too, as the namespaces' public endpoint: no private endpoint has
     * these addresses, so the network rules judge what arrives there as public traffic from its real source.
     * Addresses already served (and the bind address) are skipped.
     *
     * @throws IOException naming the address and port that cannot be bound (the addresses before it stay bound)
     */
    synchronized void bindPublicFrontEnds(Collection<Inet4Address> frontEnds) throws IOException {
        List<Inet4Address> added = frontEnds.stream().filter(address -> !publicFrontEnds.contains(address)
                && !isBindAddress(address)).toList();
        if (added.isEmpty()) {
            return;
        }
        publicFrontEnds.addAll(added);
        certificates.coverPublicFrontEnds(added);
        for (int i = 0; i < added.size(); i++) {
            String host = added.get(i).getHostAddress();
            try {
                publicFrontEndChannels.addAll(ports.bind(host));
            } catch (IOException e) {
                List<Inet4Address> unbound = added.subList(i, added.size());
                unbound.forEach(publicFrontEnds::remove); // a later call may retry them
                certificates.forgetPublicFrontEnds(unbound);
                throw e;
            }
            logger.info("listening as the public endpoint on {}", host);
        }
    }

    /** Where the relay ports listen on each private endpoint's address; an endpoint not bound is missing. */
    synchronized Map<InetAddress, List<InetSocketAddress>> privateEndpointAddresses() {
        Map<InetAddress, List<InetSocketAddress>> bound = new LinkedHashMap<>();
        endpointChannels.forEach((address, channels) -> bound.put(address,
                channels.stream().map(channel -> (InetSocketAddress) channel.localAddress()).toList()));
        return bound;
    }

    /** Every server channel listening on these addresses, for the shutdown to close first. */
    synchronized List<Channel> serverChannels() {
        List<Channel> all = new ArrayList<>(publicFrontEndChannels);
        endpointChannels.values().forEach(all::addAll);
        return all;
    }

    /** Whether {@code address} is the bind address itself or the bind address is a wildcard. */
    private boolean isBindAddress(InetAddress address) {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
                || bindAddress.equals(address.getHostAddress());
    }
}
