package dev.relaysim.relay.gateway.relay;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@code java.net.http.WebSocket} client for loopback tests: collects whole messages and close frames. What it
 * does when a close frame arrives is up to the test (by default it completes at once, and the JDK then answers
 * with its own close frame).
 */
final class JdkWebSocketClient implements WebSocket.Listener {

    record Message(boolean text, byte[] payload) {
    }

    record Close(int code, String reason) {
    }

    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private volatile Function<WebSocket, CompletionStage<?>> onClose = webSocket -> null;
    private WebSocket webSocket;

    static JdkWebSocketClient connect(HttpClient http, URI uri) throws Exception {
        JdkWebSocketClient client = new JdkWebSocketClient();
        client.webSocket = http.newWebSocketBuilder().buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    WebSocket webSocket() {
        return webSocket;
    }

    /** What to do when a close frame arrives: the JDK sends its close frame once the returned stage completes. */
    void onClose(Function<WebSocket, CompletionStage<?>> action) {
        onClose = action;
    }

    Message nextMessage() throws InterruptedException {
        Message message = messages.poll(30, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 30 s");
        }
        return message;
    }

    Close nextClose() throws InterruptedException {
        Close close = closes.poll(30, TimeUnit.SECONDS);
        if (close == null) {
            throw new AssertionError("no close frame within 30 s");
        }
        return close;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(new Message(false, binary.toByteArray()));
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(new Message(true, text.toString().getBytes(StandardCharsets.UTF_8)));
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closes.add(new Close(statusCode, reason));
        return onClose.apply(webSocket);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closes.add(new Close(-1, String.valueOf(error)));
    }

    static CompletableFuture<WebSocket> sendBinary(WebSocket webSocket, byte[] payload) {
        return webSocket.sendBinary(ByteBuffer.wrap(payload), true);
    }
}
