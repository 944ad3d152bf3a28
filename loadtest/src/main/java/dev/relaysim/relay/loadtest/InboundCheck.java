package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.loadtest.StreamPattern.Header;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The receiving end of one direction of one stream: every message must be the next one of its {@link StreamPattern}
 * byte for byte (its header names this stream, this direction and the next sequence number; its bytes are those the
 * generator makes), and the SHA-256 of everything received is kept to compare with the sender's. Not thread-safe:
 * one connection's event loop feeds it.
 */
final class InboundCheck {

    private final StreamPattern pattern;
    private final MessageDigest digest = sha256();
    private int received;
    private long bytes;

    InboundCheck(StreamPattern pattern) {
        this.pattern = pattern;
    }

    /**
     * Checks the next message and adds it to the digest.
     *
     * @return {@code null} if it is the message expected, else the discrepancy
     */
    String accept(ByteBuffer message) {
        int length = message.remaining();
        digest.update(message.duplicate());
        bytes += length;
        int expected = received;
        received++;
        if (expected >= pattern.messages()) {
            return "an extra message of " + length + " bytes after all " + pattern.messages() + " (duplicated)";
        }
        if (length < StreamPattern.HEADER) {
            return "message " + expected + ": " + length + " bytes, shorter than its header (corrupted)";
        }
        Header header = Header.of(message);
        if (header.stream() != pattern.stream() || header.direction() != pattern.direction().ordinal()) {
            return "message " + expected + " belongs to stream " + header.stream() + " direction " + header.direction()
                    + " (crossed streams)";
        }
        if (header.sequence() != expected) {
            return "message " + header.sequence() + " arrived where message " + expected + " was expected ("
                    + (header.sequence() < expected ? "duplicated or reordered" : "lost or reordered") + ")";
        }
        byte[] wanted = pattern.message(expected);
        if (length != wanted.length) {
            return "message " + expected + ": " + length + " bytes (expected: " + wanted.length + ", corrupted)";
        }
        int offset = message.mismatch(ByteBuffer.wrap(wanted));
        if (offset >= 0) {
            return "message " + expected + ": byte " + offset + " is "
                    + (message.get(message.position() + offset) & 0xff)
                    + " (expected: " + (wanted[offset] & 0xff) + ", corrupted)";
        }
        return null;
    }

    /** Whether every message of the pattern has arrived. */
    boolean complete() {
        return received >= pattern.messages();
    }

    int received() {
        return received;
    }

    long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything received so far (the digest goes on from there). */
    byte[] sha256Digest() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of this JVM cannot be cloned", e);
        }
    }

    /** A new SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
