package dev.relaysim.relay.loadtest.jmh;

import dev.relaysim.relay.common.websocket.UnmaskingFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the gateway does with every byte it relays: decode a client's masked frames. 16 binary frames of 64 KiB,
 * arriving in 64 KiB reads (so every frame spans two), through Netty's {@code WebSocket08FrameDecoder} and through
 * the project's {@link UnmaskingFrameDecoder}; one operation is the whole MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameDecoderBenchmark {

    private static final int FRAME = 64 * 1024;
    private static final int FRAMES = 16;
    private static final int READ = 64 * 1024;

    private final List<ByteBuf> reads = new ArrayList<>();
    private EmbeddedChannel netty;
    private EmbeddedChannel unmasking;

    @Setup(Level.Trial)
    public void setUp() {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        byte[] payload = new byte[FRAME];
        new Random(1).nextBytes(payload);
        ByteBuf stream = ByteBufAllocator.DEFAULT.directBuffer();
        for (int i = 0; i < FRAMES; i++) {
            client.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
            for (ByteBuf out = client.readOutbound(); out != null; out = client.readOutbound()) {
                stream.writeBytes(out);
                out.release();
            }
        }
        while (stream.isReadable()) {
            reads.add(stream.readRetainedSlice(Math.min(READ, stream.readableBytes())));
        }
        stream.release();
        netty = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).maxFramePayloadLength(16 * 1024 * 1024).closeOnProtocolViolation(false)
                .build()));
        unmasking = new EmbeddedChannel(new UnmaskingFrameDecoder(true, 16 * 1024 * 1024));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reads.forEach(ByteBuf::release);
        netty.finishAndReleaseAll();
        unmasking.finishAndReleaseAll();
    }

    @Benchmark
    public void nettyDecoder(Blackhole blackhole) {
        decode(netty, blackhole);
    }

    @Benchmark
    public void unmaskingFrameDecoder(Blackhole blackhole) {
        decode(unmasking, blackhole);
    }

    private void decode(EmbeddedChannel channel, Blackhole blackhole) {
        int frames = 0;
        for (ByteBuf read : reads) {
            channel.writeInbound(read.retainedDuplicate());
            for (WebSocketFrame frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
                blackhole.consume(frame.content().getByte(FRAME - 1));
                frame.release();
                frames++;
            }
        }
        if (frames != FRAMES) {
            throw new IllegalStateException(frames + " frames decoded (expected: " + FRAMES + ")");
        }
    }
}
