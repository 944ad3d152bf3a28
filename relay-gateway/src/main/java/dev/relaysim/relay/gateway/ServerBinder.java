package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one place the gateway binds a TCP server channel (front ends, rendezvous ports, the management server): the
 * bootstrap options, and a failure that names what, where and why.
 */
final class ServerBinder {

    private final ChannelGroup channels;

    /** @param channels every open channel of the gateway, closed at shutdown; bound server channels join it */
    ServerBinder(ChannelGroup channels) {
        this.channels = requireNonNull(channels, "channels");
    }

    /**
     * Binds a server channel on {@code host:port} and adds it to the gateway's channels.
     *
     * @param what names the port in the failure ({@code TLS front end}, {@code rendezvous port of g3})
     * @throws BindException when the address is in use; the message names {@code what}, host and port
     * @throws IOException when it cannot be bound for another reason
     */
    Channel bind(String what, String host, int port, EventLoopGroup parentGroup, EventLoopGroup childGroup,
                 ChannelHandler initializer) throws IOException {
        return bind(what, host, port, parentGroup, childGroup, initializer, false);
    }

    /**
     * Binds one server channel per loop of {@code loops} on {@code host:port}, all sharing the port
     * ({@code SO_REUSEPORT}, where {@link EventLoops#acceptsPerLoop()}): each accepts on its loop and serves its
     * connections there, the kernel dealing new connections among them. A port that is in use fails as {@link #bind}
     * does, checked first with a socket of the JDK's that does not share its port, because another process's
     * sharing sockets would otherwise take this gateway's in silently. On failure closes what it bound.
     *
     * @param port the port, 0 for one the system chooses (the first channel's, then shared by the others)
     * @return the server channels, in the order of {@code loops}
     */
    List<Channel> bindPerLoop(String what, String host, int port, List<EventLoop> loops, ChannelHandler initializer)
            throws IOException {
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("loops: empty (expected: at least one event loop)");
        }
        if (port != 0) {
            failIfInUse(what, host, port);
        }
        List<Channel> bound = new ArrayList<>(loops.size());
        int shared = port;
        try {
            for (EventLoop loop : loops) {
                Channel channel = bind(what, host, shared, loop, loop, initializer, true);
                bound.add(channel);
                shared = ((InetSocketAddress) channel.localAddress()).getPort();
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        return List.copyOf(bound);
    }

    private static void failIfInUse(String what, String host, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            // As the gateway's own sockets: connections of a previous run in TIME_WAIT do not make the port in use.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw bindFailure(what, host, port, e, e instanceof BindException);
        }
    }

    private Channel bind(String what, String host, int port, EventLoopGroup parentGroup, EventLoopGroup childGroup,
                         ChannelHandler initializer, boolean sharePort) throws IOException {
        // No TCP_NODELAY child option: Netty's socket channels set it when they are made (every transport on Linux),
        // and setting it again would cost each accepted connection one more system call.
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(parentGroup, childGroup)
                .channel(EventLoops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayPair.WRITE_BUFFER_WATER_MARK)
                .childHandler(initializer);
        if (sharePort) {
            bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw bindFailure(what, host, port, cause, EventLoops.isAddressInUse(cause));
        }
        Channel channel = bound.channel();
        channels.add(channel);
        return channel;
    }

    /** Names what, where and why: a {@link BindException} when the address is in use, else an {@link IOException}. */
    private static IOException bindFailure(String what, String host, int port, Throwable cause, boolean inUse) {
        String message = what + " " + host + ':' + port + ": " + cause.getMessage();
        if (inUse) {
            BindException exception = new BindException(message);
            exception.initCause(cause);
            return exception;
        }
        return new IOException(message, cause);
    }
}
