package dev.relaysim.relay.gateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child process of a test (a Node script, {@code java -jar relaysim...}), its standard output and error merged and
 * collected line by line. {@link #close()} closes its standard input (the Node scripts exit on that), then sends
 * SIGTERM (a gateway drains gracefully), then kills it if it lingers.
 */
public class ChildProcess implements AutoCloseable {

    private static final long STOP_WAIT_SECONDS = 5;

    private final String label;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    protected ChildProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        reader = new Thread(this::readLines, "output of " + label);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code directory} with extra environment variables. */
    public static ChildProcess start(Path directory, Map<String, String> environment, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            return new ChildProcess(String.join(" ", command), builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    /** Every line printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything printed so far, lines joined with {@code \n}. */
    public String output() {
        return String.join("\n", lines);
    }

    /** Waits for the process to exit and returns its exit code, or fails naming what it printed. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " did not exit within " + timeout + "; it printed " + lines);
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return label + " " + lines;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        }
    }
}
