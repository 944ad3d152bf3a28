package dev.relaysim.relay.common.protocol;

import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * Percent-encoding (RFC 3986) of UTF-8 text, as used in request targets and SAS tokens.
 *
 * <p>Unlike {@link java.net.URLDecoder}, decoding never turns {@code '+'} into a space: the
 * Hybrid Connections protocol treats paths and queries as URI components, not as form data.
 */
public final class PercentCodec {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int MAX_QUOTED = 80;

    private PercentCodec() {
    }

    /**
     * Encodes every character except the RFC 3986 unreserved ones ({@code A-Z a-z 0-9 - . _ ~}) as
     * {@code %XX} with upper-case hex digits over its UTF-8 bytes.
     */
    public static String encode(String s) {
        requireNonNull(s, "s");
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * Decodes {@code %XX} escapes (either case of hex digits); every other character stands for
     * itself, {@code '+'} included.
     *
     * @throws IllegalArgumentException if an escape is malformed or the bytes are not UTF-8
     */
    public static String decode(String s) {
        return decode(s, CodingErrorAction.REPORT);
    }

    /**
     * Like {@link #decode(String)}, but byte sequences that are not UTF-8 become U+FFFD instead of
     * an error. Malformed escapes are still an error.
     *
     * @throws IllegalArgumentException if an escape is malformed
     */
    public static String decodeReplacing(String s) {
        return decode(s, CodingErrorAction.REPLACE);
    }

    /**
     * Returns a message describing the first malformed escape in {@code s}, or {@code null} if
     * every {@code '%'} is followed by two hex digits.
     */
    public static @Nullable String malformedEscape(String s) {
        requireNonNull(s, "s");
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 3)) {
            if (i + 2 >= s.length() || hexValue(s.charAt(i + 1)) < 0 || hexValue(s.charAt(i + 2)) < 0) {
                String escape = s.substring(i, Math.min(s.length(), i + 3));
                return "malformed percent-escape '" + escape + "' at index " + i + " in " + quote(s)
                        + " (expected: '%' followed by two hex digits)";
            }
        }
        return null;
    }

    /** {@code s} in single quotes, shortened to a readable length for error messages. */
    static String quote(String s) {
        if (s.length() <= MAX_QUOTED) {
            return '\'' + s + '\'';
        }
        return '\'' + s.substring(0, MAX_QUOTED) + "...' (" + s.length() + " characters)";
    }

    private static String decode(String s, CodingErrorAction onBadUtf8) {
        requireNonNull(s, "s");
        int firstEscape = s.indexOf('%');
        if (firstEscape < 0) {
            return s;
        }
        // One pass into one array (request targets and tokens are ASCII; other text takes the general path):
        // this runs on every relayed connection, several times per SAS token.
        byte[] bytes = new byte[s.length()];
        int length = 0;
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return decodeText(s, onBadUtf8);
            }
            if (c == '%') {
                int high = i + 2 < s.length() ? hexValue(s.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hexValue(s.charAt(i + 2));
                if (low < 0) {
                    throw new IllegalArgumentException(malformedEscape(s));
                }
                int b = high << 4 | low;
                ascii &= b < 0x80;
                bytes[length++] = (byte) b;
                i += 2;
            } else {
                bytes[length++] = (byte) c;
            }
        }
        return ascii ? new String(bytes, 0, length, StandardCharsets.ISO_8859_1) : utf8(bytes, length, s, onBadUtf8);
    }

    /** Decodes text that has characters beyond ASCII: they stand for their UTF-8 bytes. */
    private static String decodeText(String s, CodingErrorAction onBadUtf8) {
        String malformed = malformedEscape(s);
        if (malformed != null) {
            throw new IllegalArgumentException(malformed);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                bytes.write(hexValue(s.charAt(i + 1)) << 4 | hexValue(s.charAt(i + 2)));
                i += 3;
            } else {
                int end = s.indexOf('%', i);
                if (end < 0) {
                    end = s.length();
                }
                byte[] literal = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(literal, 0, literal.length);
                i = end;
            }
        }
        return utf8(bytes.toByteArray(), bytes.size(), s, onBadUtf8);
    }

    private static String utf8(byte[] bytes, int length, String s, CodingErrorAction onBadUtf8) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(onBadUtf8)
                .onUnmappableCharacter(onBadUtf8);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(quote(s) + " does not decode to UTF-8 text", e);
        }
    }

    private static boolean isUnreserved(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
