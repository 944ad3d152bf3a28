package dev.relaysim.relay.gateway.testing;

import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * An {@link EmbeddedChannel} whose local and remote addresses are IP socket addresses, as the gateway's accepted
 * connections have: accept addresses, remote endpoints and per-source limits read them.
 */
public final class InetEmbeddedChannel extends EmbeddedChannel {

    private final InetSocketAddress local;
    private final InetSocketAddress remote;

    public InetEmbeddedChannel(InetSocketAddress local, InetSocketAddress remote) {
        this.local = requireNonNull(local, "local");
        this.remote = requireNonNull(remote, "remote");
    }

    /** Both ends at the loopback address and {@code port}. */
    public static InetEmbeddedChannel loopback(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        return new InetEmbeddedChannel(address, address);
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
