package dev.relaysim.relay.common.connection;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A Relay connection string: {@code Endpoint=sb://ns:9443/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=echo}.
 *
 * <p>Keys are case-insensitive and each may appear once; pairs are separated by {@code ';'} and split on their
 * first {@code '='}; white space around keys and values is ignored. Known keys: {@code Endpoint} (required,
 * {@code sb://}), {@code EntityPath}, {@code SharedAccessKeyName} with {@code SharedAccessKey}, or
 * {@code SharedAccessSignature} instead of both, and {@code OperationTimeout} as {@code [d.]hh:mm:ss[.fffffff]}
 * (.NET) or whole seconds (Java). Anything else is refused.
 *
 * @param endpoint              {@code sb://host[:port]/}; a missing path becomes {@code /}
 * @param entityPath            the hybrid connection, or {@code null} for a namespace-level string
 * @param sharedAccessKeyName   the rule name, or {@code null}; given exactly when {@code sharedAccessKey} is
 * @param sharedAccessKey       the rule's key, or {@code null}
 * @param sharedAccessSignature a complete token, or {@code null}; excludes key name and key
 * @param operationTimeout      a positive timeout, or {@code null} when not given
 *                              (see {@link #operationTimeoutOrDefault()})
 */
public record ConnectionString(URI endpoint, @Nullable String entityPath, @Nullable String sharedAccessKeyName,
                               @Nullable String sharedAccessKey, @Nullable String sharedAccessSignature,
                               @Nullable Duration operationTimeout) {

    /** The SDKs' operation timeout when the string gives none. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMinutes(1);
    /** Port of an {@code Endpoint} without one. */
    public static final int DEFAULT_PORT = 443;

    private static final String ENDPOINT = "Endpoint";
    private static final String ENTITY_PATH = "EntityPath";
    private static final String KEY_NAME = "SharedAccessKeyName";
    private static final String KEY = "SharedAccessKey";
    private static final String SIGNATURE = "SharedAccessSignature";
    private static final String OPERATION_TIMEOUT = "OperationTimeout";
    private static final List<String> KEYS =
            List.of(ENDPOINT, ENTITY_PATH, KEY_NAME, KEY, SIGNATURE, OPERATION_TIMEOUT);
    private static final int MAX_KEY_LENGTH = 256;
    private static final int MAX_PORT = 65535;
    private static final Pattern TIME_SPAN =
            Pattern.compile("(?:(\\d{1,7})\\.)?(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,9}))?");

    /**
     * @throws IllegalArgumentException naming the offending key and value
     */
    public ConnectionString {
        requireNonNull(endpoint, "endpoint");
        if (!"sb".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException(ENDPOINT + ": " + endpoint + " (expected: sb://<host>[:<port>]/)");
        }
        if (endpoint.getPort() > MAX_PORT) {
            // java.net.URI takes any number of digits as a port.
            throw new IllegalArgumentException(ENDPOINT + ": " + endpoint + " (expected: a port 0-" + MAX_PORT + ")");
        }
        if (endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()) {
            endpoint = endpoint.resolve("/");
        }
        checkValue(ENTITY_PATH, entityPath);
        checkValue(KEY_NAME, sharedAccessKeyName);
        checkValue(KEY, sharedAccessKey);
        checkValue(SIGNATURE, sharedAccessSignature);
        if (sharedAccessSignature != null && (sharedAccessKeyName != null || sharedAccessKey != null)) {
            throw new IllegalArgumentException(SIGNATURE + " cannot be combined with " + KEY_NAME + " or " + KEY);
        }
        if ((sharedAccessKeyName == null) != (sharedAccessKey == null)) {
            throw new IllegalArgumentException(KEY_NAME + " and " + KEY + " must be given together (got only "
                    + (sharedAccessKey == null ? KEY_NAME : KEY) + ")");
        }
        if (sharedAccessSignature != null) {
            try {
                SasToken.parse(sharedAccessSignature);
            } catch (SasTokenException e) {
                throw new IllegalArgumentException(SIGNATURE + ": " + e.getMessage(), e);
            }
        }
        if (operationTimeout != null && (operationTimeout.isNegative() || operationTimeout.isZero())) {
            throw new IllegalArgumentException(OPERATION_TIMEOUT + ": " + operationTimeout + " (expected: > 0)");
        }
    }

    /**
     * Parses a connection string.
     *
     * @throws IllegalArgumentException naming the key and value that are missing, unknown, repeated or malformed
     */
    public static ConnectionString parse(String text) {
        requireNonNull(text, "text");
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("connection string: '" + pair.strip()
                        + "' has no '=' (expected: <key>=<value>)");
            }
            String name = pair.substring(0, equals).strip();
            String key = KEYS.stream().filter(name::equalsIgnoreCase).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("connection string: unknown key '" + name + "' (expected: "
                            + String.join(", ", KEYS) + ")"));
            if (values.put(key, pair.substring(equals + 1).strip()) != null) {
                throw new IllegalArgumentException("connection string: " + key + " given more than once");
            }
        }
        String endpoint = values.get(ENDPOINT);
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException("connection string: missing " + ENDPOINT
                    + " (expected: Endpoint=sb://<host>[:<port>]/)");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT + ": '" + endpoint + "' is not a URI (" + e.getReason() + ")",
                    e);
        }
        String timeout = values.get(OPERATION_TIMEOUT);
        return new ConnectionString(uri, emptyToNull(values.get(ENTITY_PATH)), emptyToNull(values.get(KEY_NAME)),
                emptyToNull(values.get(KEY)), emptyToNull(values.get(SIGNATURE)),
                timeout == null || timeout.isEmpty() ? null : parseTimeout(timeout));
    }

    /**
     * The connection string with keys in the usual order, only those that have values:
     * {@code Endpoint=sb://localhost:9443/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=echo}.
     * {@link #parse(String)} reads it back to an equal value.
     */
    public String format() {
        StringBuilder out = new StringBuilder(ENDPOINT).append('=').append(endpoint);
        append(out, KEY_NAME, sharedAccessKeyName);
        append(out, KEY, sharedAccessKey);
        append(out, SIGNATURE, sharedAccessSignature);
        append(out, ENTITY_PATH, entityPath);
        append(out, OPERATION_TIMEOUT, operationTimeout == null ? null : formatTimeout(operationTimeout));
        return out.toString();
    }

    /** Like {@link #format()}, with the key and signature replaced by {@code ***}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(ENDPOINT).append('=').append(endpoint);
        append(out, KEY_NAME, sharedAccessKeyName);
        append(out, KEY, sharedAccessKey == null ? null : "***");
        append(out, SIGNATURE, sharedAccessSignature == null ? null : "***");
        append(out, ENTITY_PATH, entityPath);
        append(out, OPERATION_TIMEOUT, operationTimeout == null ? null : formatTimeout(operationTimeout));
        return out.toString();
    }

    /** The endpoint's host. */
    public String host() {
        return endpoint.getHost();
    }

    /** The endpoint's port, {@value #DEFAULT_PORT} when it has none. */
    public int port() {
        return endpoint.getPort() < 0 ? DEFAULT_PORT : endpoint.getPort();
    }

    /** {@link #operationTimeout()}, or {@link #DEFAULT_OPERATION_TIMEOUT} when not given. */
    public Duration operationTimeoutOrDefault() {
        return operationTimeout == null ? DEFAULT_OPERATION_TIMEOUT : operationTimeout;
    }

    /** Whether the string carries credentials: a key or a signature. */
    public boolean hasCredentials() {
        return sharedAccessKey != null || sharedAccessSignature != null;
    }

    /**
     * A token for {@code audience}: the given {@code SharedAccessSignature} as it is (with the
     * {@code SharedAccessSignature } scheme added if it lacked it), or a new one from the key valid for {@code ttl}
     * from {@code clock}'s now.
     *
     * @throws IllegalStateException if the string has neither a key nor a signature
     */
    public String tokenFor(String audience, Duration ttl, Clock clock) {
        requireNonNull(audience, "audience");
        requireNonNull(ttl, "ttl");
        requireNonNull(clock, "clock");
        if (sharedAccessSignature != null) {
            return sharedAccessSignature.regionMatches(true, 0, SasToken.SCHEME + " ", 0, SasToken.SCHEME.length() + 1)
                    ? sharedAccessSignature
                    : SasToken.SCHEME + " " + sharedAccessSignature;
        }
        if (sharedAccessKey == null) {
            throw new IllegalStateException("connection string has neither " + KEY + " nor " + SIGNATURE);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        return SharedAccessSignature.createToken(audience, sharedAccessKeyName, sharedAccessKey,
                clock.instant().plus(ttl));
    }

    private static void checkValue(String key, String value) {
        if (value == null) {
            return;
        }
        if (value.isEmpty() || value.contains(";") || !value.equals(value.strip())) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' (expected: non-empty, no ';', no surrounding white space)");
        }
        if ((key.equals(KEY_NAME) || key.equals(KEY)) && value.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(key + ": " + value.length() + " characters (expected: 1-"
                    + MAX_KEY_LENGTH + ")");
        }
    }

    private static Duration parseTimeout(String text) {
        if (text.chars().allMatch(c -> c >= '0' && c <= '9') && text.length() <= 9) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        Matcher matcher = TIME_SPAN.matcher(text);
        if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 23 || Integer.parseInt(matcher.group(3)) > 59
                || Integer.parseInt(matcher.group(4)) > 59) {
            throw new IllegalArgumentException(OPERATION_TIMEOUT + ": '" + text
                    + "' (expected: hh:mm:ss, d.hh:mm:ss[.fffffff] or whole seconds)");
        }
        Duration timeout = Duration.ofHours(Integer.parseInt(matcher.group(2)))
                .plusMinutes(Integer.parseInt(matcher.group(3)))
                .plusSeconds(Integer.parseInt(matcher.group(4)));
        if (matcher.group(1) != null) {
            timeout = timeout.plusDays(Integer.parseInt(matcher.group(1)));
        }
        if (matcher.group(5) != null) {
            String fraction = (matcher.group(5) + "000000000").substring(0, 9);
            timeout = timeout.plusNanos(Integer.parseInt(fraction));
        }
        return timeout;
    }

    private static String formatTimeout(Duration timeout) {
        String text = String.format(Locale.ROOT, "%02d:%02d:%02d", timeout.toHoursPart(), timeout.toMinutesPart(),
                timeout.toSecondsPart());
        if (timeout.toDaysPart() > 0) {
            text = timeout.toDaysPart() + "." + text;
        }
        if (timeout.getNano() > 0) {
            text += String.format(Locale.ROOT, ".%09d", timeout.getNano()).replaceAll("0+$", "");
        }
        return text;
    }

    private static void append(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(';').append(key).append('=').append(value);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
