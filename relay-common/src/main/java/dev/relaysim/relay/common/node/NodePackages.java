package dev.relaysim.relay.common.node;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Installs npm packages and the scripts that use them into one directory, once: the scripts (a
 * {@code package.json} among them) are copied from class path resources every time, {@code npm install} runs only
 * while a module it should bring is missing from {@code node_modules}.
 */
public final class NodePackages {

    private static final long INSTALL_TIMEOUT_MINUTES = 5;

    private NodePackages() {
    }

    /** Why Node.js cannot run here (node or npm not on the {@code PATH}), or empty where it can. */
    public static Optional<String> unavailability() {
        return unavailability(System.getenv().getOrDefault("PATH", ""));
    }

    static Optional<String> unavailability(String path) {
        for (String executable : List.of("node", "npm")) {
            if (!onPath(path, executable)) {
                return Optional.of(executable + " is not on the PATH");
            }
        }
        return Optional.empty();
    }

    /**
     * Copies {@code scripts} from the class path resources {@code <resourceDirectory>/<script>} of
     * {@code resourceOwner} into {@code directory}, then runs {@code npm install} there if one of {@code modules} is
     * not installed yet.
     *
     * @throws IOException naming the resource or the npm output when either fails
     */
    public static void install(Path directory, Class<?> resourceOwner, String resourceDirectory, List<String> scripts,
                               List<String> modules) throws IOException {
        requireNonNull(resourceOwner, "resourceOwner");
        Files.createDirectories(directory);
        for (String script : scripts) {
            String resource = resourceDirectory + '/' + script;
            try (InputStream in = resourceOwner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("resource " + resource + " not found beside " + resourceOwner.getName());
                }
                Files.copy(in, directory.resolve(script), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        boolean missing = modules.stream()
                .anyMatch(module -> !Files.isDirectory(directory.resolve("node_modules").resolve(module)));
        if (missing) {
            run(directory, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"));
        }
    }

    /** A process builder for {@code node <directory>/<script> <args>} in {@code directory}, errors merged. */
    public static ProcessBuilder node(Path directory, String script, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.add(directory.resolve(script).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder;
    }

    private static void run(Path directory, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed in " + directory + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + command, e);
        }
    }

    private static boolean onPath(String path, String executable) {
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, executable))) {
                return true;
            }
        }
        return false;
    }
}
