package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The relay pair's per-frame work, without sockets: a binary frame read on one leg (an {@code EmbeddedChannel})
 * goes through the flow-control and relay handlers and is written and flushed on the other leg, in 64 KiB
 * fragments beyond that size. In this package (in the loadtest module) because {@code RelayPair.start} is
 * package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RelayPairBenchmark {

    @Param({"64", "65536", "262144"})
    public int size;

    private EmbeddedChannel sender;
    private EmbeddedChannel listener;
    private ByteBuf payload;

    @Setup(Level.Trial)
    public void setUp() {
        sender = new EmbeddedChannel();
        listener = new EmbeddedChannel();
        sender.config().setAutoRead(false);
        listener.config().setAutoRead(false);
        RelayPair.start(sender, listener, new RelaySettings(64 * 1024, 16 * 1024 * 1024, Duration.ofSeconds(5)),
                NoopGatewayMetrics.ENTITY);
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeZero(size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        sender.finishAndReleaseAll();
        listener.finishAndReleaseAll();
    }

    /** One frame from the sender to the listener (in 64 KiB fragments when larger). */
    @Benchmark
    public int senderToListener() {
        sender.writeInbound(new BinaryWebSocketFrame(payload.retainedDuplicate()));
        return drain(listener);
    }

    /** One frame from the listener back to the sender (in 64 KiB fragments when larger). */
    @Benchmark
    public int listenerToSender() {
        listener.writeInbound(new BinaryWebSocketFrame(payload.retainedDuplicate()));
        return drain(sender);
    }

    /** Reads and releases every frame written to {@code leg}, returning their payload bytes. */
    private static int drain(EmbeddedChannel leg) {
        int bytes = 0;
        for (Object relayed = leg.readOutbound(); relayed != null; relayed = leg.readOutbound()) {
            bytes += ((WebSocketFrame) relayed).content().readableBytes();
            ReferenceCountUtil.release(relayed);
        }
        return bytes;
    }
}
