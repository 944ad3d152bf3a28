package dev.relaysim.relay.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Figures of a process from Linux's {@code /proc}; 0 where the file cannot be read (another OS, a process gone). */
final class ProcStats {

    // Zero-based positions in /proc/<pid>/stat (fields 14 and 15 of proc(5)).
    private static final int UTIME_FIELD = 13;
    private static final int STIME_FIELD = 14;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

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
            return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** User plus system CPU time of one thread ({@code /proc/<pid>/task/<tid>/stat}), in clock ticks; -1 if gone. */
    static long threadCpuTicks(long pid, long tid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid),
                    "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User plus system CPU time of {@code /proc/<pid>/stat} (all its threads), in nanoseconds. */
    static long cpuNanos(long pid) {
        return ticksToNanos(cpuTicks(pid));
    }

    /**
     * User plus system CPU time of the JIT compiler threads of {@code /proc/<pid>/task} (HotSpot's
     * {@code C1 CompilerThread<n>} and {@code C2 CompilerThread<n>}, which {@code /proc} cuts to 15 characters), in
     * nanoseconds: the part of a JVM's CPU time that compiles code rather than runs it. A compiler thread that ended
     * is no longer counted, hence {@code -XX:-UseDynamicNumberOfCompilerThreads} where it matters.
     */
    static long jitCpuNanos(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (isJitCompilerThread(stat)) {
                    ticks += parseCpuTicks(stat);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticksToNanos(ticks);
    }

    /** Whether a {@code /proc/<pid>/task/<tid>/stat} line is a HotSpot JIT compiler thread's. */
    static boolean isJitCompilerThread(String stat) {
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    }

    /** Clock ticks of {@code /proc} as nanoseconds: the kernel reports them in USER_HZ, 100 per second on Linux. */
    static long ticksToNanos(long ticks) {
        return TimeUnit.SECONDS.toNanos(ticks) / CLOCK_TICKS_PER_SECOND;
    }

    /** utime plus stime of a {@code /proc/<pid>/stat} line, in clock ticks. */
    static long parseCpuTicks(String stat) {
        // The command name (field 2) may hold spaces and parentheses; the fields after it are counted from its last
        // closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        int offset = 2;
        return Long.parseLong(fields[UTIME_FIELD - offset]) + Long.parseLong(fields[STIME_FIELD - offset]);
    }
}
