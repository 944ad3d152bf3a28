package dev.relaysim.relay.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CPU time from {@code /proc/<pid>/stat}: fields 14 and 15, counted after the command name, whatever it holds. */
class ProcStatsTest {

    @Test
    void userPlusSystemTicksAreReadAfterTheCommandName() {
        String stat = "32506 (cat) R 32504 32504 18438 0 -1 4194304 97 0 0 0 250 31 7 9 20 0 1 0 1101405 3133440 338";
        assertThat(ProcStats.parseCpuTicks(stat)).isEqualTo(281);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "77 (java (x) y) S 1 77 77 0 -1 4194560 10 0 0 0 1200 345 0 0 20 0 40 0 99 1000 2000";
        assertThat(ProcStats.parseCpuTicks(stat)).isEqualTo(1545);
    }

    @Test
    void ticksAreHundredthsOfASecond() {
        assertThat(ProcStats.ticksToNanos(281)).isEqualTo(2_810_000_000L);
    }

    @Test
    void thisProcessHasSpentCpuWhereProcIsReadable() {
        long pid = ProcessHandle.current().pid();
        long before = ProcStats.cpuNanos(pid);
        long spin = System.nanoTime() + 50_000_000;
        long sum = 0;
        while (System.nanoTime() < spin) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        assertThat(sum).isNotNegative();
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/stat"))) {
            assertThat(ProcStats.cpuNanos(pid)).isGreaterThan(before);
        } else {
            assertThat(ProcStats.cpuNanos(pid)).isZero();
        }
    }

    @Test
    void oneThreadsCpuIsReadByItsLinuxIdAndAThreadThatIsGoneReadsMinusOne() {
        long pid = ProcessHandle.current().pid();
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/task"))) {
            // The process's first thread has the process's id (the launcher's, which may never have used a tick).
            assertThat(ProcStats.threadCpuTicks(pid, pid)).isNotNegative();
        }
        assertThat(ProcStats.threadCpuTicks(pid, Integer.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void jitCompilerThreadsAreTheC1AndC2CompilerThreadsAsProcCutsTheirNames() {
        assertThat(ProcStats.isJitCompilerThread("101 (C2 CompilerThre) S 1 77 77 0 -1 0 0 0 0 0 900 12 0")).isTrue();
        assertThat(ProcStats.isJitCompilerThread("102 (C1 CompilerThre) S 1 77 77 0 -1 0 0 0 0 0 40 2 0")).isTrue();
        assertThat(ProcStats.isJitCompilerThread("103 (relaysim-gatewa) R 1 77 77 0 -1 0 0 0 0 0 40 2 0")).isFalse();
        assertThat(ProcStats.isJitCompilerThread("104 (GC Thread#0) S 1 77 77 0 -1 0 0 0 0 0 40 2 0")).isFalse();
    }

    @Test
    void thisProcessesJitCompilerHasSpentPartOfItsCpuWhereProcIsReadable() {
        long pid = ProcessHandle.current().pid();
        long jit = ProcStats.jitCpuNanos(pid);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/task"))) {
            // JUnit alone has the JIT compile hundreds of methods before the first test runs.
            assertThat(jit).isPositive().isLessThanOrEqualTo(ProcStats.cpuNanos(pid));
        } else {
            assertThat(jit).isZero();
        }
    }
}
