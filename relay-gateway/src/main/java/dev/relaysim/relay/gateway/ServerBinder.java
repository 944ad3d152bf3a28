package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;

import java.io.IOException;
import java.net.BindException;

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
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(parentGroup, childGroup)
                .channel(EventLoops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelayPair.WRITE_BUFFER_WATER_MARK)
                .childHandler(initializer);
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String message = what + " " + host + ':' + port + ": " + cause.getMessage();
            if (EventLoops.isAddressInUse(cause)) {
                BindException exception = new BindException(message);
                exception.initCause(cause);
                throw exception;
            }
            throw new IOException(message, cause);
        }
        Channel channel = bound.channel();
        channels.add(channel);
        return channel;
    }
}
