package dev.relaysim.relay.common.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every
 * test through {@code META-INF/services} (JUnit's extension auto-detection is switched on in the
 * parent POM), and registered first, so its {@code afterAll} runs after the class has closed its
 * servers and clients.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

    private static final int COLLECTION_ROUNDS = 5;

    @Override
    public void beforeAll(ExtensionContext context) {
        collectAndPoll();
        RecordingLeakDetector.drainLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectAndPoll();
        List<String> leaks = RecordingLeakDetector.drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) in " + context.getDisplayName()
                    + ":\n" + String.join("\n\n", leaks));
        }
    }

    /**
     * Leaks are reported when a tracked object is allocated after the leaked one was collected,
     * so collect, then allocate through both allocators to make the detectors poll.
     */
    static void collectAndPoll() {
        for (int round = 0; round < COLLECTION_ROUNDS; round++) {
            System.gc();
            System.runFinalization();
            for (ByteBufAllocator allocator : List.of(ByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
                ByteBuf probe = allocator.directBuffer(1);
                probe.release();
                probe = allocator.heapBuffer(1);
                probe.release();
            }
        }
    }
}
