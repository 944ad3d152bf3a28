package dev.relaysim.relay.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Figures of a process from Linux's {@code /proc}; 0 where the file cannot be read (another OS, a process gone). */
final class ProcStats {

    // Zero-based positions in /proc/<pid>/stat (fields 14 and 15 of proc(5)).
    private static final int UTIME_FIELD = 13;
    private static final int STIME_FIELD = 14;

    private ProcStats() {
    }

    /** {@code VmRSS} of {@code /proc/<pid>/status}, in bytes. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Entries of {@code /proc/<pid>/fd}: the open file descriptors, sockets among them. */
    static long openFiles(long pid) {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return descriptors.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** User plus system CPU time of {@code /proc/<pid>/stat}, in clock ticks. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            int offset = 2;
            return Long.parseLong(fields[UTIME_FIELD - offset]) + Long.parseLong(fields[STIME_FIELD - offset]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
