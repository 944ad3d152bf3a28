package dev.relaysim.relay.loadtest;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Benchmark messages that check themselves: an 8-byte sequence number, a body, and a CRC-32C of everything
 * before it in the last 4 bytes. The body is a fixed pseudo-random pattern, so a message's content follows from
 * its size and sequence number, and a receiver detects loss and reordering (sequence) and corruption (CRC).
 */
final class Payloads {

    /** Sequence number and checksum. */
    static final int MIN_SIZE = Long.BYTES + Integer.BYTES;

    private final byte[] template;

    /** Messages of {@code size} bytes (at least {@value #MIN_SIZE}). */
    Payloads(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= " + MIN_SIZE + ")");
        }
        template = new byte[size];
        new SplittableRandom(size).nextBytes(template);
    }

    int size() {
        return template.length;
    }

    /** A new message with sequence number {@code sequence}. */
    byte[] create(long sequence) {
        byte[] message = template.clone();
        ByteBuffer buffer = ByteBuffer.wrap(message);
        buffer.putLong(0, sequence);
        CRC32C crc = new CRC32C();
        crc.update(message, 0, message.length - Integer.BYTES);
        buffer.putInt(message.length - Integer.BYTES, (int) crc.getValue());
        return message;
    }

    /**
     * Checks a received message against the one expected.
     *
     * @return {@code null} if it is message {@code expected} byte for byte, else what is wrong
     */
    String check(ByteBuffer message, long expected) {
        int length = message.remaining();
        if (length != template.length) {
            return "message " + expected + ": " + length + " bytes (expected: " + template.length + ")";
        }
        long sequence = message.getLong(message.position());
        if (sequence != expected) {
            return "message " + sequence + " arrived where message " + expected + " was expected (lost or reordered)";
        }
        CRC32C crc = new CRC32C();
        ByteBuffer covered = message.duplicate();
        covered.limit(covered.position() + length - Integer.BYTES);
        crc.update(covered);
        int stored = message.getInt(message.position() + length - Integer.BYTES);
        if ((int) crc.getValue() != stored) {
            return "message " + expected + " is corrupted (CRC-32C mismatch)";
        }
        return null;
    }
}
