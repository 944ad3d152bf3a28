package dev.relaysim.relay.sender.faults;

import org.awaitility.core.ConditionTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A main class in a JVM of its own ({@code java -cp <this JVM's class path> <main> <args>}), so that a test can kill
 * it with SIGKILL ({@link Process#destroyForcibly()}): the kernel then closes its sockets with no close frame and
 * no shutdown hook runs. Its output (stdout and stderr) is kept line by line.
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        return start(List.of(), Map.of(), mainClass, args);
    }

    /**
     * With the {@code java} command run by {@code wrapper} (e.g. {@code nsenter --net=...}) and extra environment
     * variables.
     */
    public static ChildJvm start(List<String> wrapper, Map<String, String> environment, Class<?> mainClass,
                                 String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ChildJvm(mainClass.getSimpleName(), builder.start());
    }

    /**
     * Waits until a line of the output matches {@code line}; fails with the output so far when none does in time or
     * the process ends first.
     */
    public String awaitLine(Predicate<String> line, Duration timeout) {
        try {
            await().atMost(timeout).until(() -> output().stream().anyMatch(line) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + " printed no matching line within " + timeout + "; output: "
                    + String.join("\n", output()), e);
        }
        return output().stream().filter(line).findFirst().orElseThrow(() -> new AssertionError(name
                + " ended (exit code " + process.exitValue() + ") without a matching line; output: "
                + String.join("\n", output())));
    }

    public List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (shutdown hooks run), and waits until the process is gone; its exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs " + timeout
                    + " after SIGTERM; output: " + String.join("\n", output()));
        }
        return process.exitValue();
    }

    /** SIGKILL, and waits until the process is gone (its sockets are closed by then). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs after SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(output lost: " + e + ')');
            }
        }
    }
}
