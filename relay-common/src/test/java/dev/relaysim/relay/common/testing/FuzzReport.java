package dev.relaysim.relay.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The one line a fuzz run reports, {@code fuzz <Class>.<property>: tries .., .. s, .. inputs/s, failures .., leaks ..,
 * seed ..}: printed to standard output and appended to {@code target/fuzz-report.txt} of the module under test.
 */
public final class FuzzReport {

    private static final Path REPORT = Path.of("target", "fuzz-report.txt");

    private FuzzReport() {
    }

    static void print(String name, int tries, double seconds, int failures, int leaks, long seed) {
        String line = String.format(Locale.ROOT, "fuzz %s: tries %d, %.1f s, %.0f inputs/s, failures %d, leaks %d, "
                + "seed %d", name, tries, seconds, tries / Math.max(seconds, 1e-9), failures, leaks, seed);
        System.out.println(line);
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + REPORT.toAbsolutePath(), e);
        }
    }
}
