package dev.relaysim.relay.common.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Around every fuzz property ({@code @AddLifecycleHook(FuzzReport.class)} on the class): times the run, prints
 * one line {@code fuzz <Class>.<property>: tries .., checks .., .. s, .. inputs/s, failures ..} to standard output
 * and appends it to {@code target/fuzz-report.txt}, and fails the property when Netty reported a leaked buffer
 * while it ran (jqwik properties are not JUnit Jupiter tests, so {@link LeakDetectionExtension} does not see them).
 */
public final class FuzzReport implements AroundPropertyHook {

    private static final Path REPORT = Path.of("target", "fuzz-report.txt");

    /** Registered on a test class, it runs around each of the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        LeakDetectionExtension.collectAndPoll();
        RecordingLeakDetector.drainLeaks();
        long start = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        double seconds = (System.nanoTime() - start) / 1e9;
        LeakDetectionExtension.collectAndPoll();
        List<String> leaks = RecordingLeakDetector.drainLeaks();
        boolean failed = result.status() == PropertyExecutionResult.Status.FAILED;
        String line = String.format(Locale.ROOT, "fuzz %s.%s: tries %d, checks %d, %.1f s, %.0f inputs/s, "
                        + "failures %d, leaks %d%s", context.containerClass().getSimpleName(),
                context.targetMethod().getName(), result.countTries(), result.countChecks(), seconds,
                result.countTries() / Math.max(seconds, 1e-9), failed ? 1 : 0, leaks.size(),
                failed ? ", seed " + result.seed().orElse("?") : "");
        System.out.println(line);
        append(line);
        if (!leaks.isEmpty() && !failed) {
            return result.mapToFailed(leaks.size() + " buffer leak(s) in " + context.extendedLabel() + ":\n"
                    + String.join("\n\n", leaks));
        }
        return result;
    }

    private static void append(String line) {
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + REPORT.toAbsolutePath(), e);
        }
    }
}
