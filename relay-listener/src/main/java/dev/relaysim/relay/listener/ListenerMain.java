package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.cli.HelpOption;
import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * {@code listen}: registers a listener on a hybrid connection, then prints what senders send or
 * echoes it back; with {@code --http-echo} it also answers HTTP requests ({@link HttpEchoHandler}).
 * Exit codes: 0 done (after {@code --count} connections and requests, or when closed), 1 the
 * gateway could not be reached or refused the listener, 2 bad arguments.
 */
@Command(name = "listen", sortOptions = false,
        description = "Listens on a hybrid connection and prints (or with --echo, echoes) the messages senders send; "
                + "with --http-echo it answers HTTP requests.")
public final class ListenerMain implements Callable<Integer> {

    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions clientOptions;

    @Option(names = "--echo", description = "Send every message back to its sender, with its type.")
    private boolean echo;

    @Option(names = "--http-echo", description = {
            "Answer every HTTP request with 200 and headers X-Echo-Method, X-Echo-Target (path and query) and "
                    + "X-Echo-Header-<name> per request header; echo the body byte for byte (with its Content-Type), "
                    + "or, without a body, send a plain-text summary (request line, then one 'name: value' line per "
                    + "header). Prints one line per request. Without it, HTTP requests get 501."})
    private boolean httpEcho;

    @Option(names = "--count", paramLabel = "N",
            description = "Exit after N connections and HTTP requests have ended (default: run until stopped).")
    private Integer count;

    @Option(names = "--retry", paramLabel = "POLICY", defaultValue = "sdk",
            description = "When to try again: sdk (as Microsoft's SDKs: stop when the gateway is not up at start or "
                    + "refuses with 401/403/404), forever, or a number of failed attempts in a row; forever and N also "
                    + "retry the start and refusals (e.g. a rejected private endpoint that is approved again), with "
                    + "backoff 0, 1, 2, 5, 10, then every 30 s (default: ${DEFAULT-VALUE}).")
    private String retry;

    @Option(names = "--id", paramLabel = "ID", description = "Listener id sent as sb-hc-id (default: a random GUID).")
    private String id;

    @Mixin
    private HelpOption help;

    private final Map<String, String> environment;

    /** A command that reads its defaults from the process environment. */
    public ListenerMain() {
        this(System.getenv());
    }

    /**
     * A command that reads its defaults from {@code environment} ({@code RELAYSIM_CONNECTION_STRING},
     * {@code RELAYSIM_CA}, {@code HOME}).
     */
    public ListenerMain(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
    }

    public static void main(String[] args) {
        ClientOptions.useQuietLogging();
        System.exit(Cli.execute(new ListenerMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count != null && count < 1) {
            err.println("--count: " + count + " (expected: >= 1)");
            return EXIT_USAGE;
        }
        RetryPolicy retryPolicy;
        ClientOptions.Target target;
        try {
            retryPolicy = RetryPolicy.parse(retry);
            target = clientOptions.resolve(environment);
        } catch (IllegalArgumentException | ClientOptions.UsageException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        ConnectionString parsed = target.connectionString();
        RelayEndpoint endpoint = target.endpoint();
        SslContext sslContext = target.sslContext();

        CompletableFuture<Integer> done = new CompletableFuture<>();
        AtomicInteger ended = new AtomicInteger();
        Runnable onEnd = () -> {
            if (count != null && ended.incrementAndGet() == count) {
                String what = httpEcho ? (count == 1 ? " connection or request" : " connections and requests")
                        : (count == 1 ? " connection" : " connections");
                out.println("handled " + count + what + "; exiting");
                done.complete(0);
            }
        };
        AtomicInteger onlineCount = new AtomicInteger();
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .connectionString(parsed)
                .sslContext(sslContext)
                .retryPolicy(retryPolicy)
                .statusListener(new ListenerStatusListener() {
                    @Override
                    public void online() {
                        if (onlineCount.incrementAndGet() > 1) {
                            out.println("listening again on " + endpoint);
                        }
                    }

                    @Override
                    public void reconnecting(Throwable cause, Duration delay) {
                        out.println(describeLoss(cause, target) + "; reconnecting in " + delay.toSeconds() + " s");
                    }
                })
                .connectionHandler((accept, connection) -> {
                    out.println("accepted connection " + accept.id() + " from " + remote(accept));
                    connection.setHandler(new Session(out, accept.id(), connection, onEnd));
                });
        if (httpEcho) {
            RequestHandler echoHandler = new HttpEchoHandler(out::println);
            builder.requestHandler((request, response) -> {
                try {
                    echoHandler.handle(request, response);
                } finally {
                    onEnd.run();
                }
            });
        }
        if (id != null) {
            builder.listenerId(id);
        }
        if (target.sourceAddress() != null) {
            builder.sourceAddress(target.sourceAddress());
        }
        if (target.resolver() != null) {
            builder.resolver(target.resolver());
        }
        try (HybridConnectionListener listener = builder.build()) {
            Thread closeOnExit = new Thread(listener::close, "relay-listener-shutdown");
            Runtime.getRuntime().addShutdownHook(closeOnExit);
            try {
                try {
                    listener.open().get();
                } catch (ExecutionException e) {
                    err.println(describe(e.getCause(), target));
                    return EXIT_FAILURE;
                }
                out.println("listening on " + endpoint + " as " + listener.listenerId());
                listener.terminationFuture().whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        err.println(describe(failure, target));
                        done.complete(EXIT_FAILURE);
                    } else {
                        done.complete(0);
                    }
                });
                return done.join();
            } finally {
                removeShutdownHook(closeOnExit);
            }
        }
    }

    /** How a listener failure reads to a person. */
    static String describe(Throwable failure, ClientOptions.Target target) {
        Throwable cause = ConnectFailures.unwrap(failure);
        if (cause instanceof RelayHandshakeException refused) {
            return "the gateway refused the listener: " + refused.statusCode() + ' ' + refused.description();
        }
        return target.describe(cause);
    }

    /** Why the control channel went away, for the reconnect notice. */
    static String describeLoss(Throwable cause, ClientOptions.Target target) {
        RelayEndpoint endpoint = target.endpoint();
        if (cause instanceof ControlChannelClosedException closed) {
            return "the gateway closed the control channel (" + closed.status() + ")";
        }
        if (cause instanceof ConnectException) {
            return "the gateway at " + endpoint.authority() + " is not reachable";
        }
        return describe(cause, target);
    }

    private static String remote(AcceptCommand accept) {
        return accept.remoteEndpoint() == null ? "an unknown address"
                : accept.remoteEndpoint().address() + ':' + accept.remoteEndpoint().port();
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook.
        }
    }

    /** One accepted connection: prints or echoes its messages and reports its end. */
    private final class Session implements RelayMessageHandler {

        private final PrintWriter out;
        private final String connectionId;
        private final RelayConnection connection;
        private final Runnable onEnd;
        private long messages;
        private long bytes;

        Session(PrintWriter out, String connectionId, RelayConnection connection, Runnable onEnd) {
            this.out = out;
            this.connectionId = connectionId;
            this.connection = connection;
            this.onEnd = onEnd;
        }

        @Override
        public void onMessage(RelayMessage message) {
            messages++;
            bytes += message.length();
            if (echo) {
                connection.send(message);
            } else if (message.isText()) {
                out.println("connection " + connectionId + ": " + message.asText());
            } else {
                out.println("connection " + connectionId + ": binary message, " + message.length() + " bytes");
            }
        }

        @Override
        public void onClose(int code, String reason) {
            String status = new RelayCloseStatus(code, reason).toString();
            if (echo) {
                out.println("echoed " + messages + (messages == 1 ? " message" : " messages") + " (" + bytes
                        + " bytes) on connection "
                        + connectionId + "; closed with " + status);
            } else {
                out.println("connection " + connectionId + " closed with " + status + " after " + messages
                        + (messages == 1 ? " message" : " messages") + " (" + bytes + " bytes)");
            }
            onEnd.run();
        }
    }
}
