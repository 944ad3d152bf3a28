package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.ChunkInputStream;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * A response body as the socket delivers it: the event loop {@link #offer offers} chunks, the reader takes them.
 * While {@value #HIGH_WATER} bytes wait, the channel stops reading (so the relay stops sending), until the reader
 * has brought them down to {@value #LOW_WATER}. Closing the stream before its end closes the connection.
 */
final class ResponseBodyStream extends ChunkInputStream {

    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = HIGH_WATER / 2;
    private static final Object END = new Object();

    private final Channel channel;
    private final Duration idleTimeout;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean paused;
    private boolean ended;
    private IOException failure;
    private volatile boolean closed;

    ResponseBodyStream(Channel channel, Duration idleTimeout) {
        this.channel = requireNonNull(channel, "channel");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    }

    /** The next chunk (event loop). */
    void offer(byte[] data) {
        long queued = queuedBytes.addAndGet(data.length);
        // Pause before publishing the chunk, so that the reader who takes it sees the pause and resumes.
        if (!paused && queued >= HIGH_WATER) {
            paused = true;
            channel.config().setAutoRead(false);
        }
        queue.add(data);
    }

    /** The body is complete (event loop). */
    void end() {
        queue.add(END);
    }

    /** The body cannot complete (event loop). */
    void fail(IOException cause) {
        queue.add(cause);
    }

    /** Stops reading; a body not read to its end closes the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended && failure == null) {
            channel.close();
        }
        queue.clear();
    }

    @Override
    protected byte @Nullable [] nextChunk() throws IOException {
        if (closed) {
            throw new IOException("the response body was closed");
        }
        if (failure != null) {
            throw failure;
        }
        Object next;
        try {
            next = queue.poll(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
        }
        if (next == null) {
            throw new SocketTimeoutException("no response body data for " + idleTimeout.toSeconds() + " s");
        }
        if (next == END) {
            ended = true;
            return null;
        }
        if (next instanceof IOException cause) {
            failure = cause;
            throw cause;
        }
        byte[] chunk = (byte[]) next;
        long queued = queuedBytes.addAndGet(-chunk.length);
        if (paused && queued <= LOW_WATER) {
            channel.eventLoop().execute(this::resume);
        }
        return chunk;
    }

    private void resume() {
        if (paused && queuedBytes.get() <= LOW_WATER) {
            paused = false;
            channel.config().setAutoRead(true);
            channel.read();
        }
    }
}
