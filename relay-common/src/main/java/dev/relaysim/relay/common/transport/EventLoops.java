package dev.relaysim.relay.common.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The one place that chooses the transport: event loops with named threads, and the channel classes that go
 * with them. Linux gets Netty's native epoll transport, which spends markedly less CPU per connection and
 * per byte than NIO (fewer copies into the JDK's selector structures, no garbage per ready key); elsewhere,
 * or where the native library cannot load, NIO. The system property {@value #TRANSPORT_PROPERTY}
 * ({@code epoll}, {@code io_uring} or {@code nio}) overrides the choice; asking for epoll where it is unavailable
 * fails with the reason. io_uring is an option to measure, not the default: where the kernel refuses it (too old,
 * disabled by {@code kernel.io_uring_disabled}, blocked by seccomp) the process logs why and takes epoll (or NIO).
 */
public final class EventLoops {

    /** System property that forces a transport: {@code epoll}, {@code io_uring} or {@code nio}. */
    public static final String TRANSPORT_PROPERTY = "relaysim.transport";

    /** Netty's property for the number of loops in a group created without a count. */
    static final String EVENT_LOOP_THREADS = "io.netty.eventLoopThreads";

    private static final Logger logger = LoggerFactory.getLogger(EventLoops.class);
    private static final int LINUX_EADDRINUSE = 98;
    private static final Transport TRANSPORT = Transport.choose(System.getProperty(TRANSPORT_PROPERTY),
            NativeSupport.RUNTIME, logger::warn);

    private EventLoops() {
    }

    /** A transport: the I/O handler of its event loops and the channel classes that go with them. */
    public enum Transport {
        EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class,
                EpollDatagramChannel.class),
        IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                IoUringDatagramChannel.class),
        NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);

        private final Supplier<IoHandlerFactory> ioHandler;
        private final Class<? extends ServerSocketChannel> serverChannel;
        private final Class<? extends SocketChannel> socketChannel;
        private final Class<? extends DatagramChannel> datagramChannel;

        Transport(Supplier<IoHandlerFactory> ioHandler, Class<? extends ServerSocketChannel> serverChannel,
                  Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {
            this.ioHandler = ioHandler;
            this.serverChannel = serverChannel;
            this.socketChannel = socketChannel;
            this.datagramChannel = datagramChannel;
        }

        /** The choice for this machine's native support, as the system property would make it. */
        static Transport choose(String requested) {
            return choose(requested, NativeSupport.RUNTIME, logger::warn);
        }

        /**
         * The transport {@code requested} names (null or blank: epoll where available, else NIO).
         *
         * @param warnings told why io_uring, when asked for, was not taken
         */
        static Transport choose(String requested, NativeSupport support, Consumer<String> warnings) {
            Transport automatic = support.epollUnavailability() == null ? EPOLL : NIO;
            if (requested == null || requested.isBlank()) {
                return automatic;
            }
            switch (requested.trim().toLowerCase(Locale.ROOT)) {
                case "nio":
                    return NIO;
                case "epoll":
                    Throwable epollCause = support.epollUnavailability();
                    if (epollCause != null) {
                        throw new IllegalStateException(TRANSPORT_PROPERTY + "=epoll: the native epoll transport "
                                + "is unavailable here: " + epollCause);
                    }
                    return EPOLL;
                case "io_uring":
                case "iouring":
                case "io-uring":
                    Throwable uringCause = support.ioUringUnavailability();
                    if (uringCause != null) {
                        warnings.accept(TRANSPORT_PROPERTY + "=io_uring: the io_uring transport is unavailable "
                                + "here (" + uringCause + "); using " + automatic.propertyValue() + " instead");
                        return automatic;
                    }
                    return IO_URING;
                default:
                    throw new IllegalArgumentException(TRANSPORT_PROPERTY + ": '" + requested
                            + "' (expected: epoll, io_uring or nio)");
            }
        }

        /** A new I/O handler factory for event loops of this transport. */
        public IoHandlerFactory ioHandlerFactory() {
            return ioHandler.get();
        }

        public Class<? extends ServerSocketChannel> serverChannelClass() {
            return serverChannel;
        }

        public Class<? extends SocketChannel> socketChannelClass() {
            return socketChannel;
        }

        /** The value of {@value EventLoops#TRANSPORT_PROPERTY} that asks for this transport. */
        public String propertyValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why each native transport cannot be used here, null where it can; a seam for the choice's tests. */
    interface NativeSupport {

        /** What Netty reports for this process. */
        NativeSupport RUNTIME = new NativeSupport() {
            @Override
            public Throwable epollUnavailability() {
                return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            }

            @Override
            public Throwable ioUringUnavailability() {
                return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            }
        };

        Throwable epollUnavailability();

        Throwable ioUringUnavailability();
    }

    /** The transport chosen for this process. */
    public static Transport transport() {
        return TRANSPORT;
    }

    /**
     * How many I/O loops a server that only does non-blocking work on them runs: one per core
     * ({@link NettyRuntime#availableProcessors()}), unless {@code -Dio.netty.eventLoopThreads} says otherwise. Netty's
     * own default is twice the cores, for loops that sometimes block; the gateway's never do, and on two cores its four
     * loops switched context 3.8 times per relayed connection against 1.6-1.8 with two (docs/benchmarks.md).
     */
    public static int oneLoopPerCore() {
        return Math.max(1, Integer.getInteger(EVENT_LOOP_THREADS, NettyRuntime.availableProcessors()));
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
                TRANSPORT.ioHandlerFactory());
    }

    /** The event loops of {@code group}, in the order it hands them out. */
    public static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : requireNonNull(group, "group")) {
            loops.add((EventLoop) executor);
        }
        return List.copyOf(loops);
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

    /**
     * Whether a bind failed because the address is in use: NIO reports a {@link BindException}, the native transport
     * its errno ({@code EADDRINUSE}, 98 on Linux).
     */
    public static boolean isAddressInUse(Throwable bindFailure) {
        return bindFailure instanceof BindException
                || bindFailure instanceof Errors.NativeIoException nativeFailure
                && nativeFailure.expectedErr() == -LINUX_EADDRINUSE;
    }

    /**
     * Whether several server channels of this process may listen on one port, each on its own event loop, the kernel
     * dealing each new connection to one of them ({@code SO_REUSEPORT}): a connection is then accepted on the loop
     * that serves it, without a hand-off from an accept thread. The native transports only: NIO is the fallback off
     * Linux, where the option does not spread connections.
     */
    public static boolean acceptsPerLoop() {
        return TRANSPORT != Transport.NIO;
    }

    public static Class<? extends ServerSocketChannel> serverChannelType() {
        return TRANSPORT.serverChannel;
    }

    public static Class<? extends SocketChannel> socketChannelType() {
        return TRANSPORT.socketChannel;
    }

    public static Class<? extends DatagramChannel> datagramChannelType() {
        return TRANSPORT.datagramChannel;
    }
}
