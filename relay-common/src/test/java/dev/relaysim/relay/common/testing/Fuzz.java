package dev.relaysim.relay.common.testing;

import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The fuzz runner: {@link #check(Gen, Property)} in a {@code @Test @Tag("fuzz")} method draws
 * {@code relaysim.fuzz.tries} inputs (system property, default 2000; the {@code fuzz} Maven profile sets a million)
 * and holds the property against each, stopping at the first failure.
 *
 * <p>The run's seed is {@code relaysim.fuzz.seed} when that is set, else a random one; input {@code i} is drawn from a
 * {@link Random} seeded with the {@code i}-th value of the run's seeded sequence, so the same seed draws the same
 * inputs. A failure throws an {@link AssertionError} naming the seed ({@code -Drelaysim.fuzz.seed=<seed>} reruns the
 * same inputs), the try and the input (truncated), caused by what the property threw. Every run prints one line
 * through {@link FuzzReport} and fails when Netty reported a leaked buffer while it ran.
 */
public final class Fuzz {

    public static final String TRIES = "relaysim.fuzz.tries";
    public static final String SEED = "relaysim.fuzz.seed";
    private static final int DEFAULT_TRIES = 2000;
    private static final int MAX_INPUT_CHARS = 2000;

    private Fuzz() {
    }

    /** A property of one input: returns normally when it holds, throws (an assertion, anything) when not. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Throwable;
    }

    /** Checks {@code property} for the calling method: the report names it {@code <Class>.<method>}. */
    public static <T> void check(Gen<T> inputs, Property<T> property) {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(frame -> frame.getDeclaringClass() != Fuzz.class).findFirst())
                .orElseThrow();
        check(caller.getDeclaringClass().getSimpleName() + "." + caller.getMethodName(), inputs, property);
    }

    /** Checks {@code property} against {@code relaysim.fuzz.tries} inputs; {@code name} is for the report. */
    public static <T> void check(String name, Gen<T> inputs, Property<T> property) {
        int tries = Integer.getInteger(TRIES, DEFAULT_TRIES);
        String seedProperty = System.getProperty(SEED, "").strip();
        long seed = seedProperty.isEmpty() ? new Random().nextLong() : Long.parseLong(seedProperty);
        Random seeds = new Random(seed);

        LeakDetectionExtension.collectAndPoll();
        RecordingLeakDetector.drainLeaks();
        long start = System.nanoTime();
        AssertionError failure = null;
        int done = 0;
        while (done < tries && failure == null) {
            Random random = new Random(seeds.nextLong());
            done++;
            T input = null;
            boolean drawn = false;
            try {
                input = inputs.next(random);
                drawn = true;
                property.check(input);
            } catch (Throwable e) {
                if (e instanceof VirtualMachineError error && !(e instanceof StackOverflowError)) {
                    throw error;
                }
                failure = new AssertionError(String.format("fuzz %s failed at try %d of %d, seed %d (rerun with "
                                + "-D%s=%d)%n%s%nthrown: %s", name, done, tries, seed, SEED, seed,
                        drawn ? "input: " + describe(input) : "drawing the input failed", oneLine(e)), e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LeakDetectionExtension.collectAndPoll();
        List<String> leaks = RecordingLeakDetector.drainLeaks();
        FuzzReport.print(name, done, seconds, failure == null ? 0 : 1, leaks.size(), seed);
        if (failure != null) {
            throw failure;
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) in fuzz " + name + ", seed " + seed + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /** What {@code e} says, on one line (line breaks and other invisible chars escaped), cut at 1000 chars. */
    private static String oneLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        return e.getClass().getName() + ": " + escape(message.length() <= 1000 ? message : message.substring(0, 1000));
    }

    /** The input as text for a failure: strings quoted with invisible chars escaped, bytes in hex, cut short. */
    static String describe(Object input) {
        String text = render(input);
        return text.length() <= MAX_INPUT_CHARS ? text
                : text.substring(0, MAX_INPUT_CHARS) + "... (" + text.length() + " chars in all)";
    }

    private static String render(Object value) {
        if (value instanceof String text) {
            return '"' + escape(text.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
        }
        if (value instanceof byte[] bytes) {
            return "bytes[" + bytes.length + "] " + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Collection<?> values) {
            return values.stream().map(Fuzz::render).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(entry -> render(entry.getKey()) + "=" + render(entry.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return escape(String.valueOf(value));
    }

    /** {@code text} with every char outside printable ASCII as a {@code \\uXXXX} escape. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return out.toString();
    }
}
