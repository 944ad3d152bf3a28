package dev.relaysim.relay.gateway.config;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A configuration record's invalid value, with the field it is in (a JSON path relative to the record, such as
 * {@code tls.port}) and what was wrong ({@code -1 (expected: 0-65535, 0 for an ephemeral port)}) kept apart, so that
 * the binder prefixes the record's own path without taking the message apart. The message joins them:
 * {@code tls.port: -1 (expected: 0-65535, 0 for an ephemeral port)}.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String detail;

    public InvalidValueException(String field, String detail) {
        this(field, detail, null);
    }

    public InvalidValueException(String field, String detail, @Nullable Throwable cause) {
        super(requireNonNull(field, "field") + ": " + requireNonNull(detail, "detail"), cause);
        this.field = field;
        this.detail = detail;
    }

    /** The field's path relative to the record that refused it: {@code tls.port}. */
    public String field() {
        return field;
    }

    /** The value and what was expected: {@code -1 (expected: 0-65535, 0 for an ephemeral port)}. */
    public String detail() {
        return detail;
    }
}
