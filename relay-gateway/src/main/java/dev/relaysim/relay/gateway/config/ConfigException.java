package dev.relaysim.relay.gateway.config;

/**
 * The gateway configuration cannot be used. The message says where ({@code <json path>}, or the
 * flag or environment variable that set it), the value and what was expected:
 * {@code namespaces[0].name: "1abc" (expected: ...)}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
