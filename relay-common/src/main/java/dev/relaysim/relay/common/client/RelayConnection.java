package dev.relaysim.relay.common.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * An open WebSocket to the relay: a stream of whole messages both ways.
 *
 * <p><b>Sending</b>: {@link #send(byte[])} and {@link #send(ByteBuffer)} send binary messages,
 * {@link #sendText(String)} text, {@link #send(List)} several back to back, and
 * {@link #sendBinaryFragment(byte[], boolean, boolean)} a binary message in pieces; each copies its argument into an
 * unpooled heap buffer (which the frame encoder masks into a pooled one) and returns a future that completes when the
 * message has been written to the socket. {@link #send(ByteBuf)} takes a buffer as it is, without that copy. Sending
 * never blocks.
 *
 * <p><b>Receiving</b>, one of two ways: {@link #setHandler(RelayMessageHandler)} delivers every
 * message on the event loop (in the buffer it was received in, see
 * {@link RelayMessageHandler#onMessage(boolean, ByteBuf)}), or {@link #receive(Duration)} takes them from a queue.
 * Messages that arrive before a handler is set wait in that queue and reach the handler first. While the queue holds
 * {@link RelayClientConfig#receiveQueueMessages()} messages or {@link RelayClientConfig#receiveQueueBytes()} bytes, the
 * connection stops reading from the socket (so the relay stops reading from the peer) until half of them have been
 * taken.
 *
 * <p><b>Closing</b>: {@link #close(int, String)} sends a close frame; messages keep arriving
 * until the peer's close frame (half-close), then the socket closes. A close frame from the peer
 * is answered with the same code right away. {@link #closeFuture()} completes with the peer's code
 * and reason once the socket has closed ({@link RelayCloseStatus#ABNORMAL} if it sent none).
 */
public final class RelayConnection {

    private static final Logger logger = LoggerFactory.getLogger(RelayConnection.class);
    private static final Object END = new Object();
    private static final int MAX_REASON_BYTES = 123;

    private final Channel channel;
    private final URI uri;
    private final String subprotocol;
    private final RelayClientConfig config;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    /** Writes handed to the event loop from other threads and not yet performed. */
    private final AtomicInteger foreignWrites = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicReference<RelayMessageHandler> handler = new AtomicReference<>();
    private final CompletableFuture<RelayCloseStatus> closeFuture = new CompletableFuture<>();
    private volatile boolean closeSent;
    private volatile boolean paused;

    // Event loop only.
    private RelayMessageHandler activeHandler;
    private RelayCloseStatus peerClose;
    private ScheduledFuture<?> closeTimeout;

    RelayConnection(Channel channel, URI uri, String subprotocol, RelayClientConfig config) {
        this.channel = channel;
        this.uri = uri;
        this.subprotocol = subprotocol;
        this.config = config;
    }

    /** The URI this connection was opened with. */
    public URI uri() {
        return uri;
    }

    /** The subprotocol the server chose, or {@code null} if none. */
    public @Nullable String subprotocol() {
        return subprotocol;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Whether messages can still be sent: the socket is open and no close frame was sent. */
    public boolean isOpen() {
        return channel.isActive() && !closeSent;
    }

    /** Sends a binary message holding a copy of {@code data}. */
    public CompletableFuture<Void> send(byte[] data) {
        requireNonNull(data, "data");
        return write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data.clone())));
    }

    /**
     * Sends a binary message of {@code data}'s readable bytes without copying them: takes ownership of
     * {@code data}, which is released once written (or when the send fails). The caller must not change it
     * afterwards.
     */
    public CompletableFuture<Void> send(ByteBuf data) {
        requireNonNull(data, "data");
        return write(new BinaryWebSocketFrame(data));
    }

    /** Sends a binary message holding a copy of {@code data}'s remaining bytes; its position does not move. */
    public CompletableFuture<Void> send(ByteBuffer data) {
        requireNonNull(data, "data");
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(copy)));
    }

    /** Sends a text message. */
    public CompletableFuture<Void> sendText(String text) {
        requireNonNull(text, "text");
        return write(new TextWebSocketFrame(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** Sends {@code message} with its type, text or binary: what an echo needs. */
    public CompletableFuture<Void> send(RelayMessage message) {
        requireNonNull(message, "message");
        ByteBuf content = Unpooled.wrappedBuffer(message.array());
        return write(message.isText() ? new TextWebSocketFrame(content) : new BinaryWebSocketFrame(content));
    }

    /**
     * Sends {@code messages} back to back, with their types: no other message sent on this connection
     * comes between them (a command and the body that must follow it, for example).
     *
     * @return completes when the last of them has been written to the socket
     */
    public CompletableFuture<Void> send(List<RelayMessage> messages) {
        requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages: none (expected: at least one)");
        }
        List<WebSocketFrame> frames = new ArrayList<>(messages.size());
        for (RelayMessage message : messages) {
            ByteBuf content = Unpooled.wrappedBuffer(requireNonNull(message, "message").array());
            frames.add(message.isText() ? new TextWebSocketFrame(content) : new BinaryWebSocketFrame(content));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Runnable writeAll = () -> {
            foreignWrites.decrementAndGet();
            for (int i = 0; i < frames.size() - 1; i++) {
                CompletableFuture<Void> one = new CompletableFuture<>();
                one.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        written.completeExceptionally(failure);
                    }
                });
                writeInOrder(frames.get(i), one);
            }
            writeInOrder(frames.get(frames.size() - 1), written);
        };
        // Queued like a write from another thread, so that later sends wait for it.
        foreignWrites.incrementAndGet();
        try {
            channel.eventLoop().execute(writeAll);
        } catch (RejectedExecutionException e) {
            foreignWrites.decrementAndGet();
            frames.forEach(WebSocketFrame::release);
            written.completeExceptionally(e);
        }
        return written;
    }

    /**
     * Sends one fragment of a binary message holding a copy of {@code data}: the first fragment
     * ({@code first}) starts the message, the one with {@code last} ends it. The caller sends a
     * message's fragments in order and nothing else on this connection until its last one.
     */
    public CompletableFuture<Void> sendBinaryFragment(byte[] data, boolean first, boolean last) {
        requireNonNull(data, "data");
        ByteBuf content = Unpooled.wrappedBuffer(data.clone());
        return write(first
                ? new BinaryWebSocketFrame(last, 0, content) : new ContinuationWebSocketFrame(last, 0, content));
    }

    /**
     * Delivers every message, and then the end of the connection, to {@code messageHandler} on the
     * event loop, starting with those already queued. Can be called once; afterwards
     * {@link #receive(Duration)} is not available.
     */
    public void setHandler(RelayMessageHandler messageHandler) {
        requireNonNull(messageHandler, "messageHandler");
        if (!handler.compareAndSet(null, messageHandler)) {
            throw new IllegalStateException("a message handler is already set on " + this);
        }
        channel.eventLoop().execute(() -> activateHandler(messageHandler));
    }

    /**
     * Takes the next message, waiting up to {@code timeout}.
     *
     * @return the message, or {@code null} once the connection has ended and every message was taken
     * @throws TimeoutException      if no message arrived in time
     * @throws IllegalStateException if a handler was set
     */
    public @Nullable RelayMessage receive(Duration timeout) throws InterruptedException, TimeoutException {
        requireNonNull(timeout, "timeout");
        if (handler.get() != null) {
            throw new IllegalStateException("messages go to the handler set on " + this);
        }
        Object next = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (next == null) {
            throw new TimeoutException("no message within " + timeout.toMillis() + " ms on " + this);
        }
        if (next == END) {
            queue.add(END);
            return null;
        }
        RelayMessage message = (RelayMessage) next;
        int messages = queuedMessages.decrementAndGet();
        long bytes = queuedBytes.addAndGet(-message.length());
        if (paused && belowLowWater(messages, bytes)) {
            channel.eventLoop().execute(this::resumeIfDrained);
        }
        return message;
    }

    /** How many received messages wait to be taken by {@link #receive(Duration)} or a handler. */
    public int queuedMessages() {
        return queuedMessages.get();
    }

    /**
     * Starts the close handshake: sends a close frame with {@code code} and {@code reason}, keeps
     * receiving until the peer's close frame, then closes the socket (also after
     * {@link RelayClientConfig#closeTimeout()} without an answer). Calling it again has no effect.
     *
     * @return {@link #closeFuture()}
     */
    public CompletableFuture<RelayCloseStatus> close(int code, String reason) {
        if (!WebSocketCloseStatus.isValidStatusCode(code)) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000-1003, 1007-1014 or 3000-4999)");
        }
        requireNonNull(reason, "reason");
        int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (reasonBytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("reason: " + reasonBytes + " bytes (expected: <= " + MAX_REASON_BYTES
                    + ")");
        }
        channel.eventLoop().execute(() -> sendClose(code, reason));
        return closeFuture;
    }

    /** Closes the socket without a close handshake. */
    public void abort() {
        channel.close();
    }

    /** Completes with the peer's close code and reason once the socket has closed; never fails. */
    public CompletableFuture<RelayCloseStatus> closeFuture() {
        return closeFuture;
    }

    @Override
    public String toString() {
        return "RelayConnection[L:" + channel.localAddress() + " - R:" + channel.remoteAddress() + ' '
                + uri.getRawPath() + ']';
    }

    /** A whole message from the peer (event loop). */
    void onMessage(RelayMessage message) {
        if (peerClose != null) {
            return;
        }
        RelayMessageHandler current = activeHandler;
        if (current != null) {
            deliver(current, message);
            return;
        }
        int messages = queuedMessages.incrementAndGet();
        long bytes = queuedBytes.addAndGet(message.length());
        // Pause before publishing the message, so that the reader who takes it sees the pause and resumes.
        if (!paused && (messages >= config.receiveQueueMessages() || bytes >= config.receiveQueueBytes())) {
            paused = true;
            channel.config().setAutoRead(false);
            logger.debug("{} paused reading: {} messages, {} bytes waiting", this, messages, bytes);
        }
        queue.add(message);
    }

    /**
     * A whole message from the peer, lent for this call (event loop): an active handler reads it in place,
     * otherwise a copy waits in the queue.
     */
    void onMessage(boolean text, ByteBuf content) {
        if (peerClose != null) {
            return;
        }
        RelayMessageHandler current = activeHandler;
        if (current == null) {
            onMessage(RelayMessage.wrap(text, ByteBufUtil.getBytes(content)));
            return;
        }
        try {
            current.onMessage(text, content);
        } catch (RuntimeException e) {
            logger.warn("{}: message handler failed", this, e);
        }
    }

    /** The peer's close frame (event loop): answer it unless we closed first, then close the socket. */
    void onCloseFrame(CloseWebSocketFrame frame) {
        if (peerClose != null) {
            return;
        }
        int code = frame.statusCode() < 0 ? RelayCloseStatus.NO_STATUS : frame.statusCode();
        String reason = frame.statusCode() < 0 || frame.reasonText() == null ? "" : frame.reasonText();
        peerClose = new RelayCloseStatus(code, reason);
        if (closeSent) {
            channel.close();
            return;
        }
        closeSent = true;
        CloseWebSocketFrame answer = code == RelayCloseStatus.NO_STATUS
                ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, reason);
        channel.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    /** An error after the handshake (event loop). */
    void onException(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            logger.debug("{} received a message over {} bytes; closing with 1009", this, config.maxMessageSize());
            sendClose(RelayCloseStatus.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        logger.debug("{} failed; closing", this, cause);
        channel.close();
    }

    /** The socket closed (event loop). */
    void onInactive() {
        if (closeTimeout != null) {
            closeTimeout.cancel(false);
        }
        RelayCloseStatus status = peerClose != null ? peerClose
                : new RelayCloseStatus(RelayCloseStatus.ABNORMAL, "connection closed without a close frame");
        queue.add(END);
        closeFuture.complete(status);
        RelayMessageHandler current = activeHandler;
        if (current != null) {
            notifyClosed(current, status);
        }
    }

    private CompletableFuture<Void> write(WebSocketFrame frame) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        EventLoop loop = channel.eventLoop();
        // Messages go out in the order send was called: a write from the event loop may not overtake writes other
        // threads handed to the loop before it (Netty would write it at once, ahead of their queued tasks).
        if (loop.inEventLoop() && foreignWrites.get() == 0) {
            writeInOrder(frame, written);
        } else {
            foreignWrites.incrementAndGet();
            try {
                loop.execute(() -> {
                    foreignWrites.decrementAndGet();
                    writeInOrder(frame, written);
                });
            } catch (RejectedExecutionException e) {
                foreignWrites.decrementAndGet();
                frame.release();
                written.completeExceptionally(e);
            }
        }
        return written;
    }

    /** Writes {@code frame} now, on the event loop, once every earlier send was written. */
    private void writeInOrder(WebSocketFrame frame, CompletableFuture<Void> written) {
        if (closeSent) {
            frame.release();
            written.completeExceptionally(new IllegalStateException("a close frame was already sent on " + this));
            return;
        }
        channel.writeAndFlush(frame).addListener(future -> {
            if (future.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(future.cause());
            }
        });
    }

    private void sendClose(int code, String reason) {
        if (closeSent || !channel.isActive()) {
            return;
        }
        closeSent = true;
        if (peerClose != null) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
        closeTimeout = channel.eventLoop().schedule(() -> {
            logger.debug("{}: no close frame from the peer within {}; closing", this, config.closeTimeout());
            channel.close();
        }, config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void activateHandler(RelayMessageHandler messageHandler) {
        boolean ended = false;
        for (Object next = queue.poll(); next != null; next = queue.poll()) {
            if (next == END) {
                ended = true;
                continue;
            }
            RelayMessage message = (RelayMessage) next;
            queuedMessages.decrementAndGet();
            queuedBytes.addAndGet(-message.length());
            deliver(messageHandler, message);
        }
        activeHandler = messageHandler;
        if (ended) {
            notifyClosed(messageHandler, closeFuture.join());
        } else {
            resumeIfDrained();
        }
    }

    private void resumeIfDrained() {
        if (paused && (activeHandler != null || belowLowWater(queuedMessages.get(), queuedBytes.get()))) {
            paused = false;
            channel.config().setAutoRead(true);
            logger.debug("{} resumed reading", this);
        }
    }

    private boolean belowLowWater(int messages, long bytes) {
        return messages <= config.receiveQueueMessages() / 2 && bytes <= config.receiveQueueBytes() / 2;
    }

    private void deliver(RelayMessageHandler target, RelayMessage message) {
        try {
            target.onMessage(message);
        } catch (RuntimeException e) {
            logger.warn("{}: message handler failed", this, e);
        }
    }

    private void notifyClosed(RelayMessageHandler target, RelayCloseStatus status) {
        try {
            target.onClose(status.code(), status.reason());
        } catch (RuntimeException e) {
            logger.warn("{}: message handler failed on close", this, e);
        }
    }
}
