package dev.relaysim.relay.common.protocol;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One {@code name[=value]} pair of a query string, kept exactly as it was sent so that it can be
 * passed on byte for byte; {@link #name()} and {@link #value()} decode it.
 *
 * @param rawName  the name as sent, still percent-encoded
 * @param rawValue the value as sent, still percent-encoded; {@code null} when the pair had no {@code '='}
 */
public record QueryParameter(String rawName, @Nullable String rawValue) {

    /**
     * @throws IllegalArgumentException if the name or value contains a malformed percent-escape
     */
    public QueryParameter {
        requireNonNull(rawName, "rawName");
        String malformed = PercentCodec.malformedEscape(rawName);
        if (malformed == null && rawValue != null) {
            malformed = PercentCodec.malformedEscape(rawValue);
        }
        if (malformed != null) {
            throw new IllegalArgumentException(malformed);
        }
    }

    /** The percent-decoded name ({@code '+'} is not a space; bytes that are not UTF-8 become U+FFFD). */
    public String name() {
        return PercentCodec.decodeReplacing(rawName);
    }

    /** The percent-decoded value, or {@code null} when the pair had no {@code '='}. */
    public @Nullable String value() {
        return rawValue == null ? null : PercentCodec.decodeReplacing(rawValue);
    }

    /**
     * Whether this is one of the relay's own {@code sb-hc-*} parameters (case-insensitive name, and it has a value).
     */
    public boolean isRelayParameter() {
        String prefix = HybridConnectionConstants.PARAMETER_PREFIX;
        return rawValue != null && name().regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** The pair as it appeared in the query: {@code rawName} or {@code rawName=rawValue}. */
    public String raw() {
        return rawValue == null ? rawName : rawName + '=' + rawValue;
    }
}
