package dev.relaysim.relay.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

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

    /** Everything written to this channel since the last call, as UTF-8 text; the messages are released. */
    public String readOutboundText() {
        StringBuilder text = new StringBuilder();
        for (Object out = readOutbound(); out != null; out = readOutbound()) {
            if (out instanceof ByteBuf bytes) {
                text.append(bytes.toString(StandardCharsets.UTF_8));
            }
            ReferenceCountUtil.release(out);
        }
        return text.toString();
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
