package dev.relaysim.relay.sender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.cli.HelpOption;
import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.connection.ConnectionString;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>{@code send --http} sends one HTTP request instead and prints the response like curl: with
 * {@code --include} the status line and headers, then the body (as bytes, to the body stream).
 * Exit codes: 0 for a 2xx or 3xx response, 1 for any other status (explained on stderr) or when
 * the relay cannot be reached, 2 bad arguments.
 */
@Command(name = "send", sortOptions = false,
        description = {"Sends messages through a hybrid connection and checks that a listener (listen --echo) echoes "
                + "them exactly.",
                "With --http, sends one HTTP request (https://<host>:<port>/<entity>[/path][?query]) and prints the "
                        + "response like curl: -i adds the status line and headers; exit 0 for 2xx/3xx, 1 otherwise."})
public final class SenderMain implements Callable<Integer> {

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;
    private static final int MAX_LINES_PER_MESSAGE = 10;
    private static final String NO_LISTENERS = "There are no listeners";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions clientOptions;

    @Option(names = "--message", paramLabel = "TEXT", defaultValue = "hello",
            description = "The message (default: ${DEFAULT-VALUE}).")
    private String message;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many times to send it (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "Send a generated message of this many bytes instead of --message (letters for text, a "
                    + "byte pattern for binary).")
    private Integer size;

    @Option(names = "--binary", description = "Send binary messages instead of text.")
    private boolean binary;

    @Option(names = "--http", description = "Send one HTTP request instead of WebSocket messages (the options below).")
    private boolean http;

    @Option(names = {"-X", "--method"}, paramLabel = "M",
            description = "HTTP method (default: POST with --data or --data-file, else GET).")
    private String method;

    @Option(names = {"-d", "--data"}, paramLabel = "TEXT", description = "HTTP request body (UTF-8).")
    private String data;

    @Option(names = "--data-file", paramLabel = "FILE", description = "HTTP request body from a file, streamed.")
    private Path dataFile;

    @Option(names = {"-H", "--header"}, paramLabel = "K:V",
            description = "HTTP request header; repeat for more, or for several values.")
    private List<String> headers = new ArrayList<>();

    @Option(names = "--path", paramLabel = "SUFFIX",
            description = "Path after the entity path (/<entity>/SUFFIX), sent as given (percent-encode it yourself).")
    private String pathSuffix;

    @Option(names = "--query", paramLabel = "Q", description = "Query string without '?', sent as given.")
    private String query;

    @Option(names = {"-i", "--include"},
            description = "Print the HTTP status line and response headers before the body.")
    private boolean include;

    @Mixin
    private HelpOption help;

    private final Map<String, String> environment;
    private final OutputStream bodyOut;

    /** A command that reads its defaults from the process environment. */
    public SenderMain() {
        this(System.getenv());
    }

    /**
     * A command that reads its defaults from {@code environment} ({@code RELAYSIM_CONNECTION_STRING},
     * {@code RELAYSIM_CA}, {@code HOME}).
     */
    public SenderMain(Map<String, String> environment) {
        this(environment, System.out);
    }

    /**
     * A command that reads its defaults from {@code environment} and writes HTTP response bodies to {@code bodyOut}.
     */
    public SenderMain(Map<String, String> environment, OutputStream bodyOut) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
        this.bodyOut = requireNonNull(bodyOut, "bodyOut");
    }

    public static void main(String[] args) {
        ClientOptions.useQuietLogging();
        System.exit(Cli.execute(new SenderMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String misplaced = http ? firstMatched("--message", "--count", "--size", "--binary")
                : firstMatched("--method", "--data", "--data-file", "--header", "--path", "--query", "--include");
        if (misplaced != null) {
            err.println(misplaced + (http ? ": not with --http (expected: --data or --data-file for a body)"
                    : ": only with --http"));
            return EXIT_USAGE;
        }
        RelayHttpRequest request = null;
        if (http) {
            if (data != null && dataFile != null) {
                err.println("--data and --data-file: both given (expected: at most one body)");
                return EXIT_USAGE;
            }
            try {
                request = httpRequest();
            } catch (IllegalArgumentException | UncheckedIOException e) {
                err.println(e.getMessage());
                return EXIT_USAGE;
            }
        } else if (count < 1) {
            err.println("--count: " + count + " (expected: >= 1)");
            return EXIT_USAGE;
        } else if (size != null && size < 0) {
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
        if (http) {
            return sendHttp(out, err, target, request);
        }
        ConnectionString parsed = target.connectionString();
        RelayEndpoint endpoint = target.endpoint();
        SslContext sslContext = target.sslContext();
        byte[] payload = payload();
        String kind = binary ? "binary" : "text";

        try (HybridConnectionClient client = HybridConnectionClient.builder().connectionString(parsed)
                .sslContext(sslContext).sourceAddress(target.sourceAddress()).resolver(target.resolver()).build()) {
            RelayConnection connection;
            try {
                connection = client.connect().get();
            } catch (ExecutionException e) {
                err.println(describe(e.getCause(), target));
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
                    err.println("the connection closed (" + status + ") before the echo of message " + (i + 1)
                            + " arrived");
                    return EXIT_FAILURE;
                }
                if (echo.isBinary() != binary || !echo.contentEquals(payload)) {
                    err.println("the echo of message " + (i + 1) + " differs: sent " + payload.length + " bytes ("
                            + kind + "), received " + echo.length() + " bytes ("
                            + (echo.isBinary() ? "binary" : "text") + ")"
                            + firstDifference(payload, echo.data()));
                    return EXIT_FAILURE;
                }
                if (count <= MAX_LINES_PER_MESSAGE) {
                    out.println("message " + (i + 1) + ": " + payload.length + " bytes " + kind + ", echo matched in "
                            + millis(roundTrips[i]));
                }
            }
            if (count > MAX_LINES_PER_MESSAGE) {
                long[] sorted = roundTrips.clone();
                Arrays.sort(sorted);
                out.println("sent " + count + " " + kind + " messages of " + payload.length + " bytes ("
                        + (long) count * payload.length
                        + " bytes), every echo matched; round trip p50 " + millis(sorted[(count + 1) / 2 - 1])
                        + ", max " + millis(sorted[count - 1]));
            }
            try {
                connection.close(RelayCloseStatus.NORMAL, "done").get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                connection.abort();
            }
            return 0;
        }
    }

    private int sendHttp(PrintWriter out, PrintWriter err, ClientOptions.Target target, RelayHttpRequest request)
            throws InterruptedException {
        RelayEndpoint endpoint = target.endpoint();
        try (HybridConnectionHttpClient client = HybridConnectionHttpClient.builder()
                .connectionString(target.connectionString()).sslContext(target.sslContext())
                .sourceAddress(target.sourceAddress()).resolver(target.resolver()).build()) {
            try {
                client.uri(request);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return EXIT_USAGE;
            }
            RelayHttpResponse response;
            try {
                response = client.send(request).get();
            } catch (ExecutionException e) {
                err.println(target.describe(e.getCause()));
                return EXIT_FAILURE;
            }
            try (response) {
                if (include) {
                    out.print("HTTP/1.1 " + response.statusCode() + ' ' + response.reasonPhrase() + "\r\n");
                    for (Map.Entry<String, String> header : response.headers()) {
                        out.print(header.getKey() + ": " + header.getValue() + "\r\n");
                    }
                    out.print("\r\n");
                    out.flush();
                }
                int status = response.statusCode();
                if (status >= 200 && status < 400) {
                    response.body().transferTo(bodyOut);
                    bodyOut.flush();
                    return 0;
                }
                if (response.headers().contains(HttpHeaderNames.VIA)) {
                    response.body().transferTo(bodyOut);
                    bodyOut.flush();
                    err.println("the listener answered " + status + ' ' + response.reasonPhrase());
                    return EXIT_FAILURE;
                }
                byte[] error = response.bodyAsBytes();
                bodyOut.write(error);
                bodyOut.flush();
                err.println(describeGatewayError(status, response.reasonPhrase(), error, endpoint));
                return EXIT_FAILURE;
            } catch (IOException e) {
                err.println("the response body broke off: " + e.getMessage());
                return EXIT_FAILURE;
            }
        }
    }

    private RelayHttpRequest httpRequest() {
        RelayHttpRequest.Builder builder = RelayHttpRequest.builder();
        builder.method(method != null ? method : data != null || dataFile != null ? "POST" : "GET");
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header: '" + header + "' (expected: NAME:VALUE)");
            }
            builder.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        if (pathSuffix != null) {
            builder.pathSuffix(pathSuffix);
        }
        builder.query(query);
        if (data != null) {
            builder.body(data.getBytes(StandardCharsets.UTF_8));
        } else if (dataFile != null) {
            if (!Files.isRegularFile(dataFile)) {
                throw new IllegalArgumentException("--data-file: " + dataFile + " (expected: a readable file)");
            }
            builder.body(dataFile);
        }
        return builder.build();
    }

    /**
     * Why the gateway refused an HTTP request, for a person: its errors carry no {@code Via}; their text is the
     * JSON body's {@code error.message} ({@code {"error":{"code":..,"message":..}}}), else the reason phrase.
     */
    static String describeGatewayError(int status, String reasonPhrase, byte[] body, RelayEndpoint endpoint) {
        String message = reasonPhrase;
        try {
            JsonNode error = JSON.readTree(body).path("error").path("message");
            if (error.isTextual()) {
                message = error.textValue();
            }
        } catch (IOException | RuntimeException e) {
            // Not the JSON error shape: the reason phrase says it.
        }
        if (status == 502 && message.startsWith(NO_LISTENERS)) {
            return "no listener is connected to " + endpoint + " — start one with ./relaysim listen --http-echo";
        }
        return "the gateway refused the request: " + status + ' ' + message;
    }

    private String firstMatched(String... options) {
        for (String option : options) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                return option;
            }
        }
        return null;
    }

    /** How a sender failure reads to a person. */
    static String describe(Throwable failure, ClientOptions.Target target) {
        RelayEndpoint endpoint = target.endpoint();
        Throwable cause = ConnectFailures.unwrap(failure);
        if (cause instanceof RelayHandshakeException refused) {
            if (refused.statusCode() == 404 && refused.description().startsWith(NO_LISTENERS)) {
                return "no listener is connected to " + endpoint + " — start one with ./relaysim listen --echo";
            }
            return "the gateway refused the connection: " + refused.statusCode() + ' ' + refused.description();
        }
        return target.describe(cause);
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
