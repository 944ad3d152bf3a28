package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.protocol.PercentCodec;

import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A parsed token {@code SharedAccessSignature sr=<enc(uri)>&sig=<enc(base64)>&se=<unix seconds>&skn=<name>}.
 *
 * @param resource  {@code sr} exactly as sent, still percent-encoded (the signature covers this text)
 * @param signature {@code sig} percent-decoded ({@code '+'} is not a space): base64 of the HMAC
 * @param expiry    {@code se} exactly as sent: decimal seconds since the epoch
 * @param keyName   {@code skn} percent-decoded: the name of the authorization rule, 1-256 characters
 */
public record SasToken(String resource, String signature, String expiry, String keyName) {

    /** The scheme word in front of every token; {@link #parse(String)} strips it ignoring case. */
    public static final String SCHEME = "SharedAccessSignature";
    /** Longest key name the SDKs accept. */
    public static final int MAX_KEY_NAME_LENGTH = 256;

    private static final int MAX_EXPIRY_DIGITS = 17;

    /**
     * @throws IllegalArgumentException if a field is empty or malformed, naming it
     */
    public SasToken {
        requireNonNull(resource, "resource");
        requireNonNull(signature, "signature");
        requireNonNull(expiry, "expiry");
        requireNonNull(keyName, "keyName");
        if (resource.isEmpty()) {
            throw new IllegalArgumentException("sr: empty (expected: the percent-encoded resource URI)");
        }
        try {
            PercentCodec.decode(resource);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sr: " + e.getMessage(), e);
        }
        if (signature.isEmpty()) {
            throw new IllegalArgumentException("sig: empty (expected: base64 of an HMAC-SHA256)");
        }
        try {
            Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sig: '" + signature + "' is not base64 (" + e.getMessage() + ")", e);
        }
        if (expiry.isEmpty() || expiry.length() > MAX_EXPIRY_DIGITS || !expiry.chars()
                .allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(expiry) > Instant.MAX.getEpochSecond()) {
            throw new IllegalArgumentException("se: '" + expiry + "' (expected: seconds since 1970-01-01T00:00:00Z)");
        }
        if (keyName.isEmpty() || keyName.length() > MAX_KEY_NAME_LENGTH) {
            throw new IllegalArgumentException("skn: " + keyName.length() + " characters (expected: 1-"
                    + MAX_KEY_NAME_LENGTH + ")");
        }
    }

    /**
     * Parses a token. Surrounding white space and a leading {@code SharedAccessSignature} (any case, followed by
     * white space or a {@code '+'}) are stripped; the rest is split on {@code '&'}, each field on its first
     * {@code '='}. Fields may come in any order, unknown fields are ignored, and {@code sig} and {@code skn} are
     * percent-decoded without turning {@code '+'} into a space.
     *
     * @throws SasTokenException if a field is missing, repeated or malformed; the message names it
     */
    public static SasToken parse(String token) throws SasTokenException {
        requireNonNull(token, "token");
        String text = token.strip();
        int schemeEnd = SCHEME.length();
        // '+' after the scheme: a token put into a query with form encoding (space as '+') and decoded once.
        if (text.regionMatches(true, 0, SCHEME, 0, schemeEnd) && (text.length() == schemeEnd
                || Character.isWhitespace(text.charAt(schemeEnd)) || text.charAt(schemeEnd) == '+')) {
            text = text.substring(Math.min(text.length(), schemeEnd + 1)).strip();
        }
        if (text.isEmpty()) {
            throw new SasTokenException("SAS token: empty (expected: sr=..&sig=..&se=..&skn=..)");
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : text.split("&")) {
            if (field.isEmpty()) {
                continue;
            }
            int equals = field.indexOf('=');
            if (equals < 0) {
                throw new SasTokenException("SAS token: field '" + shorten(field)
                        + "' has no '=' (expected: name=value)");
            }
            String name = field.substring(0, equals);
            if (fields.put(name, field.substring(equals + 1)) != null) {
                throw new SasTokenException("SAS token: " + shorten(name) + " given more than once");
            }
        }
        String resource = required(fields, "sr");
        String signature = decoded("sig", required(fields, "sig"));
        String expiry = required(fields, "se");
        String keyName = decoded("skn", required(fields, "skn"));
        try {
            return new SasToken(resource, signature, expiry, keyName);
        } catch (IllegalArgumentException e) {
            throw new SasTokenException("SAS token: " + e.getMessage(), e);
        }
    }

    /** {@code sr} percent-decoded: the URI the token is for, for example {@code http://ns/hc1/}. */
    public String decodedResource() {
        return PercentCodec.decode(resource);
    }

    /** The instant {@code se} stands for. */
    public Instant expiresAt() {
        return Instant.ofEpochSecond(Long.parseLong(expiry));
    }

    /** What the signature covers: the raw {@code sr}, a line feed and {@code se}. */
    public String stringToSign() {
        return resource + "\n" + expiry;
    }

    /** Shows the resource, expiry and key name, never the signature. */
    @Override
    public String toString() {
        return "SasToken[resource=" + resource + ", expiry=" + expiry + ", keyName=" + keyName + "]";
    }

    private static String required(Map<String, String> fields, String name) throws SasTokenException {
        String value = fields.get(name);
        if (value == null) {
            throw new SasTokenException("SAS token: missing " + name + " (expected: sr=..&sig=..&se=..&skn=..)");
        }
        return value;
    }

    private static String decoded(String name, String value) throws SasTokenException {
        try {
            return PercentCodec.decode(value);
        } catch (IllegalArgumentException e) {
            throw new SasTokenException("SAS token: " + name + ": " + e.getMessage(), e);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
