package dev.relaysim.relay.gateway.internal.netns;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the host's network tools ({@code ip}) and tells why {@code --netns} cannot work on this machine. */
final class HostCommands {

    private static final long TIMEOUT_SECONDS = 30;
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private HostCommands() {
    }

    /**
     * Why network namespaces cannot be used here, in one line, or empty when they can: Linux, root, and {@code ip}
     * (iproute2) and {@code nsenter}/{@code setpriv} (util-linux) found.
     */
    static Optional<String> unsupportedReason() {
        String os = System.getProperty("os.name", "");
        if (!os.equalsIgnoreCase("Linux")) {
            return Optional.of("network namespaces need Linux (this is " + os + ")");
        }
        if (!isRoot()) {
            return Optional.of("network namespaces need root (run it with sudo)");
        }
        for (String tool : List.of("ip", "setpriv")) {
            if (find(tool).isEmpty()) {
                return Optional.of("'" + tool + "' not found (install "
                        + (tool.equals("ip") ? "iproute2" : "util-linux") + ')');
            }
        }
        return Optional.empty();
    }

    /** Whether this process runs as root (owner of {@code /proc/self}, which is the effective user). */
    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The executable {@code name} on the PATH or in the system directories, where sudo's PATH may not look. */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : (path + ':' + String.join(":", SYSTEM_DIRECTORIES)).split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return Optional.of(Path.of(directory, name));
            }
        }
        return Optional.empty();
    }

    /** {@code ip <arguments>}; its standard output. */
    static String ip(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(find("ip").orElseThrow(() -> new IOException("'ip' not found (install iproute2)")).toString());
        command.addAll(List.of(arguments));
        return run(command);
    }

    /**
     * Runs {@code command}; its standard output, or an {@link IOException} with the command and what it printed on
     * standard error when it fails.
     */
    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null"))).start();
        try {
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            byte[] stderr = process.getErrorStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": "
                        + new String(stderr, StandardCharsets.UTF_8).strip()
                        + " (exit code " + process.exitValue() + ')');
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
    }
}
