package dev.relaysim.relay.common.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/** One whole WebSocket message, text or binary, as received from or sent to a {@link RelayConnection}. */
public final class RelayMessage {

    private final boolean text;
    private final byte[] data;

    private RelayMessage(boolean text, byte[] data) {
        this.text = text;
        this.data = data;
    }

    /** A text message holding {@code text} as UTF-8. */
    public static RelayMessage text(String text) {
        requireNonNull(text, "text");
        return new RelayMessage(true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message holding a copy of {@code data}. */
    public static RelayMessage binary(byte[] data) {
        requireNonNull(data, "data");
        return new RelayMessage(false, data.clone());
    }

    /** Takes ownership of {@code data} without copying it; the caller must not change it afterwards. */
    static RelayMessage wrap(boolean text, byte[] data) {
        return new RelayMessage(text, data);
    }

    public boolean isText() {
        return text;
    }

    public boolean isBinary() {
        return !text;
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
        return o instanceof RelayMessage other && text == other.text && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(text) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (text ? "text" : "binary") + " message (" + data.length + " bytes)";
    }
}
