package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.loadtest.StreamPattern.Direction;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code integrity} scenario: K listeners on {@code ceil(K/25)} hybrid connections and N relayed connections, all
 * open at once on a gateway in its own JVM with a fixed heap; then every connection carries its messages both ways at
 * once and every byte is checked end to end: each message against the seeded generator (stream, direction, sequence
 * number, content), and the SHA-256 of each stream and direction at the receiver against the sender's. The first
 * discrepancy fails the run. Reports the bytes each way, the times, and the gateway's heap (after a full GC, and the
 * highest seen while data moved), resident memory and open files, and that the process neither died nor ran out of
 * memory; and the memory of this JVM, which holds every listener and sender (its heap after a GC and its resident
 * memory with every connection open).
 */
final class IntegrityLoad {

    /** The header by which a sender tells the listener which stream it is. */
    static final String STREAM_HEADER = "X-Relaysim-Stream";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DATA_TIMEOUT = Duration.ofMinutes(30);
    private static final long CLOSE_TIMEOUT_SECONDS = 120;
    private static final long SAMPLE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long POLL_MILLIS = 250;
    private static final double MIB = 1024.0 * 1024;
    private static final String DONE_REASON = "integrity check done";
    /** The {@value #STREAM_HEADER} of the connection past the quota, which must be refused. */
    private static final String QUOTA_PROBE = "quota-probe";
    private static final String QUOTA_EXCEEDED = "Quota exceeded.";
    private static final int QUOTA_STATUS = 403;

    private final GatewayProcess gateway;
    private final IntegrityParameters load;
    private final SslContext clientSsl;
    private final EventLoopGroup clientGroup;
    private final EventLoopGroup listenerGroup;
    private final Executor handlers;
    private final Progress progress;
    private final URI namespace;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private final LongAdder receivedBytes = new LongAdder();
    private final AtomicReferenceArray<StreamEnd> senderEnds;
    private final List<CompletableFuture<StreamEnd>> listenerEnds = new ArrayList<>();
    private final List<HybridConnectionListener> listeners = new ArrayList<>();
    private final List<HybridConnectionClient> clients = new ArrayList<>();
    private long heapPeak;
    private long rssPeak;

    private IntegrityLoad(GatewayProcess gateway, IntegrityParameters load, SslContext clientSsl,
                          EventLoopGroup clientGroup,
                          EventLoopGroup listenerGroup, Executor handlers, Progress progress) {
        this.gateway = gateway;
        this.load = load;
        this.clientSsl = clientSsl;
        this.clientGroup = clientGroup;
        this.listenerGroup = listenerGroup;
        this.handlers = handlers;
        this.progress = progress;
        namespace = URI.create(
                (load.tls() ? "wss://127.0.0.1:" + gateway.tlsPort() : "ws://127.0.0.1:" + gateway.plainPort()) + '/');
        senderEnds = new AtomicReferenceArray<>(load.connections());
        for (int i = 0; i < load.connections(); i++) {
            listenerEnds.add(new CompletableFuture<>());
        }
    }

    /**
     * Runs the scenario against {@code gateway}, which must run on a setup with {@link IntegrityParameters#entities()}
     * hybrid connections named {@link GatewaySetup#LOAD_ENTITY_PREFIX}{@code <i>}.
     *
     * @param notes receives what the figures cannot say
     * @throws BenchFailure on the first discrepancy, a connection that could not be opened or ended early, or a gateway
     *                      process that died or ran out of memory
     */
    static Map<String, Double> run(GatewayProcess gateway, IntegrityParameters load, SslContext clientSsl,
                                   EventLoopGroup clientGroup, EventLoopGroup listenerGroup, Executor handlers,
                                   Progress progress, List<String> notes) throws IOException, InterruptedException {
        return new IntegrityLoad(gateway, load, clientSsl, clientGroup, listenerGroup, handlers, progress).run(notes);
    }

    /**
     * The {@code limits} of the generated configuration: the namespace quota at exactly the run's connections, so
     * that one more is refused, and the per-source limit above every connection of the run (all from 127.0.0.1:
     * listeners' control channels, senders, and the listeners' rendezvous connections).
     */
    static Map<String, Integer> limits(IntegrityParameters load) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        limits.put(GatewaySetup.QUOTA_LIMIT, load.connections());
        limits.put(GatewaySetup.PER_SOURCE_LIMIT, load.listeners() + 2 * load.connections()
                + GatewaySetup.PER_SOURCE_MARGIN);
        return limits;
    }

    private Map<String, Double> run(List<String> notes) throws IOException, InterruptedException {
        try {
            long openStart = System.nanoTime();
            openListeners();
            openConnections();
            double openSeconds = seconds(System.nanoTime() - openStart);
            checkGateway();
            String refusal = connectPastQuota();
            checkGateway();
            long heapOpen = gateway.heapUsedAfterGc();
            long openFiles = gateway.openFiles();
            sample(false);
            System.gc();
            long clientHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long clientRss = ProcStats.rssBytes(ProcessHandle.current().pid());

            long dataStart = System.nanoTime();
            moveData();
            double dataSeconds = seconds(System.nanoTime() - dataStart);
            long[] bytes = compareDigests();
            checkAllOpen();
            long heapEnd = gateway.heapUsedAfterGc();
            long rssEnd = gateway.rssBytes();
            rssPeak = Math.max(rssPeak, rssEnd);
            checkGateway();

            closeAll();
            checkGateway();

            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("listeners", (double) load.listeners());
            figures.put("connections", (double) load.connections());
            figures.put("refused past quota", 1.0);
            figures.put("up bytes", (double) bytes[0]);
            figures.put("down bytes", (double) bytes[1]);
            figures.put("up MB", bytes[0] / MIB);
            figures.put("down MB", bytes[1] / MIB);
            figures.put("messages", 2.0 * load.connections() * load.messages());
            figures.put("open s", openSeconds);
            figures.put("data s", dataSeconds);
            figures.put("data MB/s", (bytes[0] + bytes[1]) / MIB / dataSeconds);
            figures.put("gateway open files", (double) openFiles);
            figures.put("heap open MB", heapOpen / MIB);
            figures.put("heap end MB", heapEnd / MIB);
            figures.put("heap peak MB", heapPeak / MIB);
            figures.put("heap limit MB", load.gatewayHeapBytes() / MIB);
            figures.put("RSS end MB", rssEnd / MIB);
            figures.put("RSS peak MB", rssPeak / MIB);
            figures.put("clients heap MB", clientHeap / MIB);
            figures.put("clients RSS MB", clientRss / MIB);
            notes.add(String.format(Locale.ROOT,
                    "every byte checked: %d connections x 2 directions x %d messages, each "
                    + "message byte-exact and in sequence, SHA-256 at each receiver equal to the sender's; "
                    + "nothing lost, duplicated, reordered or corrupted", load.connections(), load.messages()));
            notes.add(quotaProbe() + " refused with " + QUOTA_STATUS + " \"" + refusal + "\"; then every one of the "
                    + load.connections() + " open connections moved all its bytes intact and closed normally");
            notes.add("gateway process: -Xmx" + load.gatewayHeap() + ", alive to the end, no OutOfMemoryError; "
                    + "heap after a full GC with every connection open: " + Math.round(heapEnd / MIB) + " MB");
            return figures;
        } catch (BenchFailure e) {
            throw e.getMessage().contains(GatewayProcess.RECENT_OUTPUT) ? e
                    : new BenchFailure(e.getMessage() + "\n" + gateway.recentOutput(), e);
        } finally {
            abortAll();
        }
    }

    private void openListeners() throws InterruptedException {
        int entities = load.entities();
        IdleLoad.runBounded(load.listeners(), load.inFlight(), "listeners", progress, i -> IdleLoad.open(listeners,
                IdleLoad.listener(namespace, GatewaySetup.LOAD_ENTITY_PREFIX + (i % entities), clientSsl,
                        listenerGroup, handlers, this::accepted)));
    }

    private void openConnections() throws InterruptedException {
        int entities = load.entities();
        for (int e = 0; e < entities; e++) {
            clients.add(HybridConnectionClient.builder()
                    .endpoint(RelayEndpoint.of(namespace, GatewaySetup.LOAD_ENTITY_PREFIX + e), GatewaySetup.TOKENS)
                    .sslContext(clientSsl).eventLoopGroup(clientGroup).connectTimeout(CONNECT_TIMEOUT).build());
        }
        IdleLoad.runBounded(load.connections(), load.inFlight(), "relayed connections", progress,
                i -> clients.get(i % entities)
                .connect(null, new DefaultHttpHeaders().add(STREAM_HEADER, Integer.toString(i)))
                .thenCompose(connection -> {
                    StreamEnd end = new StreamEnd(connection, pattern(i, Direction.UP), pattern(i, Direction.DOWN),
                            failure, receivedBytes);
                    senderEnds.set(i, end);
                    connection.setHandler(end);
                    return listenerEnds.get(i);
                }));
    }

    /**
     * Opens one connection more than the quota allows, with every connection of the run open: the gateway must refuse
     * it with 403 "Quota exceeded." before any listener sees it.
     *
     * @return the refusal's description
     */
    private String connectPastQuota() throws InterruptedException {
        String which = quotaProbe();
        CompletableFuture<RelayConnection> probe = clients.get(load.connections() % load.entities())
                .connect(null, new DefaultHttpHeaders().add(STREAM_HEADER, QUOTA_PROBE));
        try {
            probe.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).abort();
            throw new BenchFailure(which + " was accepted (expected: " + QUOTA_STATUS + " " + QUOTA_EXCEEDED + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RelayHandshakeException refused && refused.statusCode() == QUOTA_STATUS
                    && refused.description().startsWith(QUOTA_EXCEEDED)) {
                progress.done("quota", which + " refused: " + refused.statusCode() + " " + refused.description());
                return refused.description();
            }
            throw new BenchFailure(which + " failed with " + e.getCause() + " (expected: " + QUOTA_STATUS + " "
                    + QUOTA_EXCEEDED + ")", e.getCause());
        } catch (TimeoutException e) {
            probe.thenAccept(RelayConnection::abort);
            throw new BenchFailure(which + ": no answer within " + CONNECT_TIMEOUT.toSeconds() + " s (expected: "
                    + QUOTA_STATUS + " " + QUOTA_EXCEEDED + ")");
        }
    }

    /** The connection past the quota, as notes and failures name it. */
    private String quotaProbe() {
        return "connection " + (load.connections() + 1) + " past " + GatewaySetup.QUOTA_LIMIT + " = "
                + load.connections();
    }

    /** A listener accepted a relayed connection (on the handler executor). */
    private void accepted(AcceptCommand accept, RelayConnection connection) {
        if (QUOTA_PROBE.equals(header(accept))) {
            failure.completeExceptionally(new BenchFailure("a listener was offered " + quotaProbe()
                    + " (expected: refused by the gateway)"));
            connection.abort();
            return;
        }
        int stream = streamOf(accept);
        if (stream < 0) {
            failure.completeExceptionally(new BenchFailure("a listener accepted a connection without a valid "
                    + STREAM_HEADER + " header: " + accept.connectHeaders()));
            connection.abort();
            return;
        }
        StreamEnd end = new StreamEnd(connection, pattern(stream, Direction.DOWN), pattern(stream, Direction.UP),
                failure, receivedBytes);
        connection.setHandler(end);
        if (!listenerEnds.get(stream).complete(end)) {
            failure.completeExceptionally(new BenchFailure("stream " + stream + " was accepted twice"));
            connection.abort();
        }
    }

    /** The stream the sender named, or -1. */
    private int streamOf(AcceptCommand accept) {
        String value = header(accept);
        if (value == null) {
            return -1;
        }
        try {
            int stream = Integer.parseInt(value.strip());
            return stream >= 0 && stream < load.connections() ? stream : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The sender's {@value #STREAM_HEADER}, or {@code null}. */
    private static String header(AcceptCommand accept) {
        for (Map.Entry<String, String> header : accept.connectHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase(STREAM_HEADER)) {
                return header.getValue();
            }
        }
        return null;
    }

    private StreamPattern pattern(int stream, Direction direction) {
        return new StreamPattern(load.seed(), stream, direction, load.messages(), load.maxSize());
    }

    /** Starts every end sending and waits until every end has sent and received everything, or the first failure. */
    private void moveData() throws IOException, InterruptedException {
        long expected = 0;
        for (int i = 0; i < load.connections(); i++) {
            expected += pattern(i, Direction.UP).totalBytes() + pattern(i, Direction.DOWN).totalBytes();
        }
        List<StreamEnd> ends = allEnds();
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<?>[] done = new CompletableFuture<?>[ends.size()];
        for (int i = 0; i < done.length; i++) {
            done[i] = ends.get(i).done().thenRun(finished::incrementAndGet);
        }
        CompletableFuture<Object> over = CompletableFuture.anyOf(CompletableFuture.allOf(done), failure);
        long start = System.nanoTime();
        long nextSample = start + SAMPLE_INTERVAL_NANOS;
        ends.forEach(StreamEnd::start);
        while (true) {
            try {
                over.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                // Not over yet: show progress and watch the gateway below.
            } catch (ExecutionException e) {
                break;
            }
            long now = System.nanoTime();
            Duration elapsed = Duration.ofNanos(now - start);
            progress.show("data both ways", elapsed, DATA_TIMEOUT,
                    String.format(Locale.ROOT, "%.0f/%.0f MB, %d/%d ends done",
                            receivedBytes.sum() / MIB, expected / MIB, finished.get(), ends.size()));
            checkGateway();
            if (now >= nextSample) {
                sample(true);
                nextSample = now + SAMPLE_INTERVAL_NANOS;
            }
            if (elapsed.compareTo(DATA_TIMEOUT) > 0) {
                throw new BenchFailure("data not complete within " + DATA_TIMEOUT.toMinutes() + " min: "
                        + receivedBytes.sum() + " of " + expected + " bytes arrived, " + finished.get() + " of "
                        + ends.size() + " ends done");
            }
        }
        throwIfFailed();
        sample(true);
        progress.done("data both ways", String.format(Locale.ROOT, "%.0f MB in %.1f s, every message checked",
                receivedBytes.sum() / MIB, seconds(System.nanoTime() - start)));
    }

    /**
     * Compares, for every stream and direction, the SHA-256 and byte count at the receiver with the sender's.
     *
     * @return the bytes sent up (sender to listener) and down
     */
    private long[] compareDigests() {
        long up = 0;
        long down = 0;
        for (int i = 0; i < load.connections(); i++) {
            StreamEnd sender = senderEnds.get(i);
            StreamEnd listener = listenerEnds.get(i).join();
            compare(i, Direction.UP, sender, listener);
            compare(i, Direction.DOWN, listener, sender);
            up += sender.sentBytes();
            down += listener.sentBytes();
        }
        progress.done("SHA-256", 2 * load.connections() + " streams equal at both ends");
        return new long[] {up, down};
    }

    private static void compare(int stream, Direction direction, StreamEnd from, StreamEnd to) {
        byte[] sent = from.sentSha256();
        byte[] received = to.receivedSha256();
        if (from.sentBytes() != to.receivedBytes() || !Arrays.equals(sent, received)) {
            HexFormat hex = HexFormat.of();
            throw new BenchFailure("stream " + stream + ", " + direction + ": " + to.receivedBytes()
                    + " bytes with SHA-256 " + hex.formatHex(received) + " arrived, " + from.sentBytes()
                    + " bytes with SHA-256 " + hex.formatHex(sent) + " were sent");
        }
    }

    /** Every connection must still be open at both ends: all were held open at once through the whole run. */
    private void checkAllOpen() {
        for (int i = 0; i < load.connections(); i++) {
            if (!senderEnds.get(i).connection().isOpen() || !listenerEnds.get(i).join().connection().isOpen()) {
                throw new BenchFailure("stream " + i + " is no longer open after the data moved");
            }
        }
    }

    /** Closes every connection from the sender with 1000; both ends must see the close handshake complete with 1000. */
    private void closeAll() throws InterruptedException {
        List<CompletableFuture<RelayCloseStatus>> closes = new ArrayList<>();
        for (int i = 0; i < load.connections(); i++) {
            closes.add(senderEnds.get(i).connection().close(RelayCloseStatus.NORMAL, DONE_REASON));
        }
        for (int i = 0; i < load.connections(); i++) {
            closes.add(listenerEnds.get(i).join().connection().closeFuture());
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture<?>[]::new))
                    .get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            long closed = closes.stream().filter(CompletableFuture::isDone).count();
            throw new BenchFailure("closing: " + closed + " of " + closes.size() + " connection ends closed within "
                    + CLOSE_TIMEOUT_SECONDS + " s", e);
        }
        for (int i = 0; i < closes.size(); i++) {
            RelayCloseStatus status = closes.get(i).join();
            if (status.code() != RelayCloseStatus.NORMAL) {
                int stream = i % load.connections();
                throw new BenchFailure("stream " + stream + ": the " + (i < load.connections() ? "sender" : "listener")
                        + " saw the close end with " + status + " (expected: " + RelayCloseStatus.NORMAL + ")");
            }
        }
        throwIfFailed();
        progress.done("close", load.connections() + " connections closed with " + RelayCloseStatus.NORMAL
                + " at both ends");
    }

    /** Records the gateway's heap (without a GC when {@code quick}: garbage included) and resident memory peaks. */
    private void sample(boolean quick) throws IOException, InterruptedException {
        heapPeak = Math.max(heapPeak, quick ? gateway.heapUsed() : gateway.heapUsedAfterGc());
        rssPeak = Math.max(rssPeak, gateway.rssBytes());
    }

    private void checkGateway() {
        String trouble = gateway.trouble();
        if (trouble != null) {
            throw new BenchFailure(trouble);
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        if (failure.isCompletedExceptionally()) {
            try {
                failure.join();
            } catch (RuntimeException e) {
                throw (BenchFailure) e.getCause();
            }
        }
    }

    private List<StreamEnd> allEnds() {
        List<StreamEnd> ends = new ArrayList<>(2 * load.connections());
        for (int i = 0; i < load.connections(); i++) {
            ends.add(senderEnds.get(i));
            ends.add(listenerEnds.get(i).join());
        }
        return ends;
    }

    private void abortAll() {
        for (int i = 0; i < load.connections(); i++) {
            StreamEnd sender = senderEnds.get(i);
            if (sender != null) {
                sender.connection().abort();
            }
            StreamEnd listener = listenerEnds.get(i).getNow(null);
            if (listener != null) {
                listener.connection().abort();
            }
        }
        clients.forEach(HybridConnectionClient::close);
        synchronized (listeners) {
            listeners.parallelStream().forEach(HybridConnectionListener::close);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
