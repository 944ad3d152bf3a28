package dev.relaysim.relay.loadtest.jmh;

import dev.relaysim.relay.common.websocket.FrameMasking;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Whether forwarding a frame without copying it would save the gateway work: one 64 KiB masked payload in a
 * 256 KiB read buffer, unmasked in place (what a forwarded slice of the read buffer needs) against unmasked while
 * copied into a buffer of its own from the default allocator, released again (what the gateway's decoder does).
 * Both pass over every byte once; the copy adds the allocation and the writes to other memory. Each operation is
 * one frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class UnmaskBenchmark {

    private static final int PAYLOAD = 64 * 1024;
    private static final int READ = 256 * 1024;
    private static final int MASKING_KEY = 0x37FA213D;

    private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private ByteBuf read;

    @Setup(Level.Trial)
    public void setUp() {
        read = allocator.directBuffer(READ, READ);
        byte[] bytes = new byte[READ];
        new Random(1).nextBytes(bytes);
        read.writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        read.release();
    }

    /** Unmasked where it was read: the bytes of the next call are the masked ones again (XOR twice). */
    @Benchmark
    public byte unmaskInPlace() {
        FrameMasking.xorCopy(read, 14, read, 14, PAYLOAD, MASKING_KEY, 0);
        return read.getByte(14 + PAYLOAD - 1);
    }

    @Benchmark
    public byte unmaskIntoOwnBuffer() {
        ByteBuf payload = allocator.directBuffer(PAYLOAD, PAYLOAD);
        try {
            FrameMasking.xorCopy(read, 14, payload, 0, PAYLOAD, MASKING_KEY, 0);
            payload.writerIndex(PAYLOAD);
            return payload.getByte(PAYLOAD - 1);
        } finally {
            payload.release();
        }
    }
}
