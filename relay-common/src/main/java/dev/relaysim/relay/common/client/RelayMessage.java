package dev.relaysim.relay.common.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One whole WebSocket message, text or binary, as received from or sent to a {@link RelayConnection};
 * or, on a connection opened to deliver fragments ({@link RelayWebSocketClient#connect(java.net.URI,
 * io.netty.handler.codec.http.HttpHeaders, String, java.time.Duration, boolean)}), one fragment of a
 * message, {@link #isFinal()} telling whether it is the last.
 */
public final class RelayMessage {

    private final boolean text;
    private final byte[] data;
    private final boolean last;

    private RelayMessage(boolean text, byte[] data, boolean last) {
        this.text = text;
        this.data = data;
        this.last = last;
    }

    /** A text message holding {@code text} as UTF-8. */
    public static RelayMessage text(String text) {
        requireNonNull(text, "text");
        return new RelayMessage(true, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** A binary message holding a copy of {@code data}. */
    public static RelayMessage binary(byte[] data) {
        requireNonNull(data, "data");
        return new RelayMessage(false, data.clone(), true);
    }

    /** Takes ownership of {@code data} without copying it; the caller must not change it afterwards. */
    static RelayMessage wrap(boolean text, byte[] data) {
        return new RelayMessage(text, data, true);
    }

    /**
     * A fragment of a message of type {@code text}; takes ownership of {@code data} like
     * {@link #wrap(boolean, byte[])}.
     */
    static RelayMessage wrapFragment(boolean text, byte[] data, boolean last) {
        return new RelayMessage(text, data, last);
    }

    public boolean isText() {
        return text;
    }

    public boolean isBinary() {
        return !text;
    }

    /**
     * Whether this is a whole message or the last fragment of one (always, unless the connection delivers fragments).
     */
    public boolean isFinal() {
        return last;
    }

    /** The payload size in bytes (UTF-8 bytes for text). */
    public int length() {
        return data.length;
    }

    /** A copy of the payload. */
    public byte[] data() {
        return data.clone();
    }

    /** The payload itself, for sending without a copy; never modified. */
    byte[] array() {
        return data;
    }

    /** The payload, read-only, without copying. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** The payload decoded as UTF-8 (for binary messages too; invalid sequences become U+FFFD). */
    public String asText() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Whether the payload equals {@code expected} byte for byte. */
    public boolean contentEquals(byte[] expected) {
        return Arrays.equals(data, requireNonNull(expected, "expected"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayMessage other && text == other.text && last == other.last
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(text) + Boolean.hashCode(last)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (text ? "text" : "binary") + (last ? " message (" : " fragment (") + data.length + " bytes)";
    }
}
