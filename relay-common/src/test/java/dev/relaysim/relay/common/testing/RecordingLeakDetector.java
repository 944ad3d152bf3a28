package dev.relaysim.relay.common.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ResourceLeakDetector} that remembers every leak it reports, so that
 * {@link LeakDetectionExtension} can fail the test class that caused it. Netty instantiates it
 * by name from the {@code io.netty.customResourceLeakDetector} system property set in the
 * parent POM's Surefire configuration; paranoid detection alone only logs.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Returns the leaks reported since the last call and forgets them. */
    static List<String> drainLeaks() {
        List<String> drained = List.copyOf(LEAKS);
        LEAKS.removeAll(drained);
        return drained;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no records)");
        super.reportUntracedLeak(resourceType);
    }
}
