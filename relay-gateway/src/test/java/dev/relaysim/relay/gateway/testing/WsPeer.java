package dev.relaysim.relay.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A JDK {@link WebSocket} that collects whole messages (joining fragments) in a queue, remembers the close it got
 * and serializes its sends. An independent client for gateway tests: nothing of relaysim's own client code.
 */
public final class WsPeer implements WebSocket.Listener {

    /** A whole message: text (UTF-8 bytes) or binary. */
    public record Message(boolean text, byte[] data) {

        public String asText() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** The close frame received: code and reason. */
    public record Close(int code, String reason) {
    }

    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final BiConsumer<WsPeer, Message> onMessage;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    private volatile WebSocket socket;
    private volatile Function<WebSocket, CompletionStage<?>> closeReply = webSocket -> null;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private WsPeer(BiConsumer<WsPeer, Message> onMessage) {
        this.onMessage = onMessage;
    }

    /** Opens a WebSocket whose messages go to {@link #messages()}. */
    public static CompletableFuture<WsPeer> connect(HttpClient client, URI uri, Map<String, String> headers,
                                                    String... subprotocols) {
        return connect(client, uri, headers, null, subprotocols);
    }

    /**
     * Opens a WebSocket whose messages go to {@code onMessage} (called on the client's thread, one at a time)
     * when it is not null, else to {@link #messages()}.
     */
    public static CompletableFuture<WsPeer> connect(HttpClient client, URI uri, Map<String, String> headers,
                                                    BiConsumer<WsPeer, Message> onMessage, String... subprotocols) {
        requireNonNull(client, "client");
        requireNonNull(uri, "uri");
        WsPeer peer = new WsPeer(onMessage);
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return builder.buildAsync(uri, peer).thenApply(socket -> peer);
    }

    /**
     * The status of a WebSocket upgrade to {@code uri} with {@code token} in {@code ServiceBusAuthorization}: 101
     * (the connection is then aborted) or the refusal's status.
     */
    public static int upgradeStatus(HttpClient client, URI uri, String token) throws Exception {
        try {
            WsPeer peer = connect(client, uri, Map.of("ServiceBusAuthorization", token)).get(10, TimeUnit.SECONDS);
            peer.socket().abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }

    public WebSocket socket() {
        return socket;
    }

    public BlockingQueue<Message> messages() {
        return messages;
    }

    /** The next whole message, waiting at most 10 s. */
    public Message next() throws InterruptedException {
        return next(Duration.ofSeconds(10));
    }

    /** The next whole message, waiting at most {@code timeout}. */
    public Message next(Duration timeout) throws InterruptedException {
        Message message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return message;
    }

    /** Completes with the close frame received, or exceptionally on an error. */
    public CompletableFuture<Close> closed() {
        return closed;
    }

    public synchronized CompletableFuture<?> sendText(String text) {
        sending = sending.thenCompose(ignored -> socket.sendText(text, true));
        return sending;
    }

    public synchronized CompletableFuture<?> sendBinary(byte[] data) {
        sending = sending.thenCompose(ignored -> socket.sendBinary(ByteBuffer.wrap(data), true));
        return sending;
    }

    /** Sends a message of the same type back. */
    public CompletableFuture<?> send(Message message) {
        return message.text() ? sendText(message.asText()) : sendBinary(message.data());
    }

    public synchronized CompletableFuture<?> sendClose(int code, String reason) {
        sending = sending.thenCompose(ignored -> socket.sendClose(code, reason));
        return sending;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            deliver(new Message(true, partialText.toString().getBytes(StandardCharsets.UTF_8)));
            partialText.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partial.writeBytes(bytes);
        if (last) {
            deliver(new Message(false, partial.toByteArray()));
            partial.reset();
        }
        webSocket.request(1);
        return null;
    }

    /**
     * What to do when the peer's close frame arrives: the JDK answers with its own close frame once the returned
     * stage completes, so a test can still send in the meantime (half-close). By default it answers at once.
     */
    public void onCloseReceived(Function<WebSocket, CompletionStage<?>> reply) {
        closeReply = requireNonNull(reply, "reply");
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return closeReply.apply(webSocket);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    private void deliver(Message message) {
        if (onMessage != null) {
            onMessage.accept(this, message);
        } else {
            messages.add(message);
        }
    }
}
