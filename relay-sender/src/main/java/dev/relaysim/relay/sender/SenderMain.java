package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.connection.ConnectionString;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * {@code send}: connects to a hybrid connection, sends messages one at a time, waits for each
 * echo and checks it byte for byte. Exit codes: 0 every echo matched, 1 a connection, echo or
 * match failed, 2 bad arguments.
 */
@Command(name = "send", sortOptions = false,
        description = "Sends messages through a hybrid connection and checks that a listener (listen --echo) echoes them exactly.")
public final class SenderMain implements Callable<Integer> {

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;
    private static final int MAX_LINES_PER_MESSAGE = 10;
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions clientOptions;

    @Option(names = "--message", paramLabel = "TEXT", defaultValue = "hello", description = "The message (default: ${DEFAULT-VALUE}).")
    private String message;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "How many times to send it (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "Send a generated message of this many bytes instead of --message (letters for text, a byte pattern for binary).")
    private Integer size;

    @Option(names = "--binary", description = "Send binary messages instead of text.")
    private boolean binary;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final Map<String, String> environment;

    /** A command that reads its defaults from the process environment. */
    public SenderMain() {
        this(System.getenv());
    }

    /** A command that reads its defaults from {@code environment} ({@code RELAYSIM_CONNECTION_STRING}, {@code RELAYSIM_CA}, {@code HOME}). */
    public SenderMain(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
    }

    public static void main(String[] args) {
        ClientOptions.useQuietLogging();
        System.exit(new CommandLine(new SenderMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1) {
            err.println("--count: " + count + " (expected: >= 1)");
            return EXIT_USAGE;
        }
        if (size != null && size < 0) {
            err.println("--size: " + size + " (expected: >= 0)");
            return EXIT_USAGE;
        }
        ClientOptions.Target target;
        try {
            target = clientOptions.resolve(environment);
        } catch (ClientOptions.UsageException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        ConnectionString parsed = target.connectionString();
        RelayEndpoint endpoint = target.endpoint();
        SslContext sslContext = target.sslContext();
        byte[] payload = payload();
        String kind = binary ? "binary" : "text";

        try (HybridConnectionClient client = new HybridConnectionClient(parsed, sslContext)) {
            RelayConnection connection;
            try {
                connection = client.connect().get();
            } catch (ExecutionException e) {
                err.println(describe(e.getCause(), endpoint));
                return EXIT_FAILURE;
            }
            long[] roundTrips = new long[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                CompletableFuture<Void> sent = binary ? connection.send(payload)
                        : connection.sendText(new String(payload, StandardCharsets.UTF_8));
                RelayMessage echo;
                try {
                    echo = connection.receive(ECHO_TIMEOUT);
                    sent.join();
                } catch (TimeoutException e) {
                    err.println("no echo of message " + (i + 1) + " within " + ECHO_TIMEOUT.toSeconds()
                            + " s — is the listener running with --echo?");
                    return EXIT_FAILURE;
                } catch (CompletionException e) {
                    err.println("sending message " + (i + 1) + " failed: " + ConnectFailures.unwrap(e));
                    return EXIT_FAILURE;
                }
                roundTrips[i] = System.nanoTime() - start;
                if (echo == null) {
                    RelayCloseStatus status = connection.closeFuture().join();
                    err.println("the connection closed (" + status + ") before the echo of message " + (i + 1) + " arrived");
                    return EXIT_FAILURE;
                }
                if (echo.isBinary() != binary || !echo.contentEquals(payload)) {
                    err.println("the echo of message " + (i + 1) + " differs: sent " + payload.length + " bytes (" + kind
                            + "), received " + echo.length() + " bytes (" + (echo.isBinary() ? "binary" : "text") + ")"
                            + firstDifference(payload, echo.data()));
                    return EXIT_FAILURE;
                }
                if (count <= MAX_LINES_PER_MESSAGE) {
                    out.println("message " + (i + 1) + ": " + payload.length + " bytes " + kind + ", echo matched in " + millis(roundTrips[i]));
                }
            }
            if (count > MAX_LINES_PER_MESSAGE) {
                long[] sorted = roundTrips.clone();
                Arrays.sort(sorted);
                out.println("sent " + count + " " + kind + " messages of " + payload.length + " bytes (" + (long) count * payload.length
                        + " bytes), every echo matched; round trip p50 " + millis(sorted[(count + 1) / 2 - 1]) + ", max "
                        + millis(sorted[count - 1]));
            }
            try {
                connection.close(RelayCloseStatus.NORMAL, "done").get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                connection.abort();
            }
            return 0;
        }
    }

    /** How a sender failure reads to a person. */
    static String describe(Throwable failure, RelayEndpoint endpoint) {
        Throwable cause = ConnectFailures.unwrap(failure);
        if (cause instanceof RelayHandshakeException refused) {
            if (refused.statusCode() == 404 && refused.description().startsWith("There are no listeners")) {
                return "no listener is connected to " + endpoint + " — start one with ./relaysim listen --echo";
            }
            return "the gateway refused the connection: " + refused.statusCode() + ' ' + refused.description();
        }
        return ConnectFailures.describe(cause, endpoint.authority());
    }

    private byte[] payload() {
        if (size == null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        byte[] generated = new byte[size];
        for (int i = 0; i < generated.length; i++) {
            generated[i] = binary ? (byte) (i * 31 + 7) : (byte) ('a' + i % 26);
        }
        return generated;
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        int length = Math.min(expected.length, actual.length);
        for (int i = 0; i < length; i++) {
            if (expected[i] != actual[i]) {
                return "; first difference at byte " + i;
            }
        }
        return "";
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1_000_000.0);
    }
}
