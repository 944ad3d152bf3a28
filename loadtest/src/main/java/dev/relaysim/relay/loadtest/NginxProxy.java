package dev.relaysim.relay.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nginx as a WebSocket reverse proxy in front of the echo server, tuned as a user would
 * ({@code proxy_http_version 1.1}, {@code Upgrade}/{@code Connection} headers, {@code proxy_buffer_size 64k},
 * one worker per core, no access log), on an ephemeral port with a temporary prefix, in the foreground as a child
 * of this JVM; {@link #close()} stops it and deletes the prefix. With a certificate and key it terminates TLS and
 * reaches the (then TLS) echo server over TLS too, as the relay's legs are.
 */
final class NginxProxy implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Path prefix;
    private final Process process;
    private final int port;
    private final boolean tls;

    private NginxProxy(Path prefix, Process process, int port, boolean tls) {
        this.prefix = prefix;
        this.process = process;
        this.port = port;
        this.tls = tls;
    }

    /** The nginx executable on the {@code PATH} (or in /usr/sbin), if installed. */
    static Optional<Path> executable() {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        directories.add("/usr/sbin");
        for (String directory : directories) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, "nginx");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts nginx in front of {@code upstreamPort} and waits until it accepts connections.
     *
     * @param certificate server certificate chain (PEM) for TLS, or {@code null} for plain
     * @param key         its private key (PEM), or {@code null}
     */
    static NginxProxy start(Path executable, int upstreamPort, Path certificate, Path key, int maxConnections)
            throws IOException, InterruptedException {
        Path prefix = Files.createTempDirectory("relaysim-bench-nginx");
        int port = freePort();
        boolean tls = certificate != null;
        Files.writeString(prefix.resolve("nginx.conf"),
                config(prefix, port, upstreamPort, certificate, key, maxConnections));
        Process process = new ProcessBuilder(executable.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        NginxProxy proxy = new NginxProxy(prefix, process, port, tls);
        try {
            proxy.awaitListening();
        } catch (IOException | InterruptedException | RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port + "/echo");
    }

    /** CPU time (user + system) of the master and its workers so far. */
    long cpuNanos() {
        long ticks = 0;
        for (long pid : pids()) {
            ticks += ProcStats.cpuTicks(pid);
        }
        return ProcStats.ticksToNanos(ticks);
    }

    /** Resident memory of the master and its workers, in bytes. */
    long rssBytes() {
        long total = 0;
        for (long pid : pids()) {
            total += ProcStats.rssBytes(pid);
        }
        return total;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        TempDirectories.delete(prefix);
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(prefix.resolve("error.log")).strip());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("nginx did not listen on port " + port + " within " + START_TIMEOUT_MILLIS
                            + " ms", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String config(Path prefix, int port, int upstreamPort, Path certificate, Path key,
            int maxConnections) {
        String listen = "127.0.0.1:" + port + (certificate != null ? " ssl" : "");
        String tls = certificate == null ? "" : """
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        ssl_protocols TLSv1.2 TLSv1.3;
                """.formatted(certificate, key);
        return """
                daemon off;
                worker_processes auto;
                worker_rlimit_nofile %d;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events {
                    worker_connections %d;
                }
                http {
                    access_log off;
                    client_body_temp_path %s/client_body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    server {
                        listen %s;
                %s
                        location / {
                            proxy_pass %s://127.0.0.1:%d;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_set_header Host $host;
                            proxy_buffer_size 64k;
                            proxy_buffers 8 64k;
                            proxy_read_timeout 3600s;
                            proxy_send_timeout 3600s;
                            tcp_nodelay on;
                        }
                    }
                }
                """.formatted(maxConnections * 2 + 64, prefix, prefix, maxConnections * 2 + 64, prefix, prefix, prefix,
                prefix, prefix, listen, tls, certificate != null ? "https" : "http", upstreamPort);
    }
}
