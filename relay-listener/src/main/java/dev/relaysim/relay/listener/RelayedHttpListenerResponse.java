package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ResponseCommand;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The listener's answer to a {@link RelayedHttpListenerRequest}: status, reason, headers, then the body through
 * {@link #body()}. Used by one thread at a time (the request handler's).
 *
 * <p>The body is kept in memory up to {@value #CONTROL_CHANNEL_BODY_LIMIT} bytes. A response that ends within that
 * limit, with headers within {@value #CONTROL_CHANNEL_HEADER_LIMIT} bytes, goes out in one piece: the
 * {@code response} command and the body as one binary message, on the control channel (or on the rendezvous the
 * request came on). A larger body is streamed: at the first write beyond the limit the response is committed, the
 * command goes out on a rendezvous (the one the request came on, or the request's address, opened for it) followed
 * by the body in binary fragments of at most 64 KiB, the last one when the body is closed. Writes wait while the
 * relay has not taken the previous fragment, so a slow sender slows the handler down instead of filling memory.
 * {@link OutputStream#flush()} does not commit the response.
 *
 * <p>Repeated header values ({@code headers().add(..)}) are sent joined with {@code ", "}, as the protocol carries one
 * value per name.
 */
public final class RelayedHttpListenerResponse {

    /** Largest body sent on the control channel (the protocol's 64 kB). */
    static final int CONTROL_CHANNEL_BODY_LIMIT = 64 * 1024;
    /** Largest total of header names and values sent on the control channel (the protocol's 32 kB). */
    static final int CONTROL_CHANNEL_HEADER_LIMIT = 32 * 1024;
    private static final int FRAGMENT_SIZE = 64 * 1024;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    private static final int HANDLER_FAILED_STATUS = 500;
    private static final String HANDLER_FAILED_DESCRIPTION = "Internal Server Error";

    private final String requestId;
    private final ResponseRoute route;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private final Body body = new Body();
    private int statusCode = 200;
    private String statusDescription;
    /** The rendezvous the body is being streamed on, once committed. */
    private RelayConnection streaming;
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    private boolean completed;

    RelayedHttpListenerResponse(String requestId, ResponseRoute route) {
        this.requestId = requireNonNull(requestId, "requestId");
        this.route = requireNonNull(route, "route");
    }

    /** Sets the status, 100-999 (default 200). */
    public RelayedHttpListenerResponse statusCode(int statusCode) {
        checkNotCommitted();
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("statusCode: " + statusCode + " (expected: 100-999)");
        }
        this.statusCode = statusCode;
        return this;
    }

    public int statusCode() {
        return statusCode;
    }

    /** Sets the reason phrase (default: the standard one for the status). */
    public RelayedHttpListenerResponse statusDescription(String statusDescription) {
        checkNotCommitted();
        this.statusDescription = requireNonNull(statusDescription, "statusDescription");
        return this;
    }

    /** The reason phrase sent: the one set, else the standard one for the status. */
    public String statusDescription() {
        return statusDescription != null ? statusDescription : HttpResponseStatus.valueOf(statusCode).reasonPhrase();
    }

    /** The response headers, to change until the response is committed. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The body; closing it completes the response. */
    public OutputStream body() {
        return body;
    }

    /** Whether the status and headers have gone out (or are going out) to the relay. */
    public boolean isCommitted() {
        return streaming != null || completed;
    }

    @Override
    public String toString() {
        return "RelayedHttpListenerResponse[" + statusCode + " for request " + requestId + ']';
    }

    /** Completes the response (idempotent): what {@link #body()}'s {@code close()} does. */
    void complete() throws IOException {
        body.close();
    }

    /**
     * After the handler failed: a 500 without body if nothing went out yet, else the response is aborted.
     *
     * @return whether a 500 was sent (rather than the response aborted)
     */
    boolean fail() throws IOException {
        if (isCommitted()) {
            completed = true;
            route.finish(false);
            return false;
        }
        headers.clear();
        statusCode = HANDLER_FAILED_STATUS;
        statusDescription = HANDLER_FAILED_DESCRIPTION;
        body.discard();
        complete();
        return true;
    }

    private void checkNotCommitted() {
        if (isCommitted()) {
            throw new IllegalStateException("the response to request " + requestId + " is already committed");
        }
    }

    private ResponseCommand command(boolean hasBody) {
        return new ResponseCommand(requestId, statusCode, statusDescription(), joinedHeaders(headers), hasBody);
    }

    /** Streams from here on: sends the command on the rendezvous, then {@code buffered} as the first fragment. */
    private void commit(byte[] buffered, int length) throws IOException {
        RelayConnection rendezvous = route.forLargeResponse();
        rendezvous.sendText(ControlCommandCodec.encode(command(true)));
        streaming = rendezvous;
        sendFragment(Arrays.copyOf(buffered, length), true, false);
    }

    private void sendFragment(byte[] data, boolean first, boolean last) throws IOException {
        await(lastWrite);
        lastWrite = streaming.sendBinaryFragment(data, first, last);
    }

    /** Sends a response within the limits in one piece, on {@code connection}. */
    private void sendWhole(RelayConnection connection, byte[] buffered, int length) throws IOException {
        List<RelayMessage> messages = new ArrayList<>(2);
        messages.add(RelayMessage.text(ControlCommandCodec.encode(command(length > 0))));
        if (length > 0) {
            messages.add(RelayMessage.binary(Arrays.copyOf(buffered, length)));
        }
        await(connection.send(messages));
    }

    private void await(CompletableFuture<Void> write) throws IOException {
        try {
            write.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending the response to request " + requestId);
        } catch (ExecutionException e) {
            throw new IOException("cannot send the response to request " + requestId + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the relay took none of the response to request " + requestId + " for "
                    + WRITE_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Header values joined per name (case-insensitively, keeping the first spelling), in order. */
    static Map<String, String> joinedHeaders(HttpHeaders headers) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> joined = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = names.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), lower -> header.getKey());
            joined.merge(name, header.getValue(), (first, next) -> first + ", " + next);
        }
        return joined;
    }

    private static int size(Map<String, String> headers) {
        int size = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            size += header.getKey().getBytes(StandardCharsets.UTF_8).length
                    + header.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /** The body: a buffer until committed, then fragments of {@value #FRAGMENT_SIZE} bytes. */
    private final class Body extends OutputStream {

        private byte[] buffer = new byte[256];
        private int length;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int count) throws IOException {
            Objects.checkFromIndexSize(offset, count, data.length);
            if (closed) {
                throw new IOException("the response to request " + requestId + " is complete");
            }
            while (count > 0) {
                int room = (streaming == null ? CONTROL_CHANNEL_BODY_LIMIT : FRAGMENT_SIZE) - length;
                if (room == 0) {
                    if (streaming == null) {
                        commit(buffer, length);
                    } else {
                        sendFragment(Arrays.copyOf(buffer, length), false, false);
                    }
                    length = 0;
                    continue;
                }
                int fill = Math.min(room, count);
                append(data, offset, fill);
                offset += fill;
                count -= fill;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            boolean complete = false;
            try {
                if (streaming != null) {
                    sendFragment(Arrays.copyOf(buffer, length), false, true);
                    await(lastWrite);
                } else if (size(joinedHeaders(headers)) > CONTROL_CHANNEL_HEADER_LIMIT) {
                    sendWhole(route.forLargeResponse(), buffer, length);
                } else {
                    sendWhole(route.forSmallResponse(), buffer, length);
                }
                complete = true;
            } finally {
                completed = true;
                route.finish(complete);
            }
        }

        void discard() {
            length = 0;
        }

        private void append(byte[] data, int offset, int count) {
            if (length + count > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(length + count, Math.min(2 * buffer.length, FRAGMENT_SIZE)));
            }
            System.arraycopy(data, offset, buffer, length, count);
            length += count;
        }
    }
}
