package dev.relaysim.relay.common.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The one place that chooses the transport: NIO event loops with named threads, and the channel
 * classes that go with them.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * Creates an event loop group whose threads are named {@code <threadPrefix>-<n>}.
     *
     * @param threads number of loops; 0 means Netty's default (twice the cores)
     */
    public static EventLoopGroup newGroup(String threadPrefix, int threads) {
        requireNonNull(threadPrefix, "threadPrefix");
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true),
                NioIoHandler.newFactory());
    }

    /**
     * Shuts {@code group} down gracefully, without a quiet period, and waits up to {@code timeout} for it to
     * terminate, unless called from one of its own threads (which cannot wait for themselves).
     */
    public static void shutdown(EventLoopGroup group, Duration timeout) {
        requireNonNull(group, "group");
        requireNonNull(timeout, "timeout");
        Future<?> termination = group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return;
            }
        }
        termination.syncUninterruptibly();
    }

    public static Class<? extends ServerSocketChannel> serverChannelType() {
        return NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannelType() {
        return NioSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannelType() {
        return NioDatagramChannel.class;
    }
}
