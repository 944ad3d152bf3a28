package dev.relaysim.relay.loadtest;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The messages of one direction of one relayed stream in the {@code integrity} scenario, from a seeded generator:
 * message {@code i} follows from (seed, stream, direction, i) alone, so the receiver regenerates the message it
 * expects next. Each message starts with a header (stream number, direction, sequence number) followed by random
 * bytes; sizes are log-uniform between {@value #HEADER} bytes and the largest size, so most messages are small and a
 * few span several frames (the gateway fragments messages toward both legs at 64 KiB).
 */
final class StreamPattern {

    /** Stream number (4 bytes), direction (1 byte), sequence number (4 bytes). */
    static final int HEADER = Integer.BYTES + 1 + Integer.BYTES;

    private static final long STREAM_MIX = 0x9E3779B97F4A7C15L;
    private static final long MESSAGE_MIX = 0xC2B2AE3D27D4EB4FL;

    /** Which way a stream's messages go. */
    enum Direction {
        /** From the sender (the client that connected) to the listener. */
        UP("sender->listener"),
        /** From the listener to the sender. */
        DOWN("listener->sender");

        private final String text;

        Direction(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final long seed;
    private final int stream;
    private final Direction direction;
    private final int messages;
    private final int maxSize;

    /**
     * @param messages how many messages the direction carries
     * @param maxSize  the largest message, at least {@value #HEADER} bytes
     */
    StreamPattern(long seed, int stream, Direction direction, int messages, int maxSize) {
        if (maxSize < HEADER) {
            throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= " + HEADER + ")");
        }
        this.seed = seed;
        this.stream = stream;
        this.direction = direction;
        this.messages = messages;
        this.maxSize = maxSize;
    }

    int stream() {
        return stream;
    }

    Direction direction() {
        return direction;
    }

    int messages() {
        return messages;
    }

    /** Message {@code sequence} ({@code 0 <= sequence < messages()}). */
    byte[] message(int sequence) {
        SplittableRandom random = random(sequence);
        byte[] message = new byte[size(random)];
        random.nextBytes(message);
        ByteBuffer.wrap(message).putInt(stream).put((byte) direction.ordinal()).putInt(sequence);
        return message;
    }

    /** The size of message {@code sequence}, without making it. */
    int size(int sequence) {
        return size(random(sequence));
    }

    /** The bytes of every message together. */
    long totalBytes() {
        long total = 0;
        for (int i = 0; i < messages; i++) {
            total += size(i);
        }
        return total;
    }

    private SplittableRandom random(int sequence) {
        return new SplittableRandom(
                seed ^ (stream + 1L) * STREAM_MIX ^ ((long) sequence * 2 + direction.ordinal() + 1) * MESSAGE_MIX);
    }

    /** The size drawn first from a message's generator. */
    private int size(SplittableRandom random) {
        return (int) Math.min(maxSize, Math.floor(HEADER * Math.pow((maxSize + 1.0) / HEADER, random.nextDouble())));
    }

    /** Where a received message's header points: its stream, direction and sequence number. */
    record Header(int stream, int direction, int sequence) {

        /** The header of {@code message}, which holds at least {@value StreamPattern#HEADER} bytes. */
        static Header of(ByteBuffer message) {
            int at = message.position();
            return new Header(message.getInt(at), message.get(at + Integer.BYTES),
                    message.getInt(at + Integer.BYTES + 1));
        }
    }
}
