package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.cli.Durations;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks shared by the config records; every failure is an {@link InvalidValueException}
 * "field: value (expected: ...)".
 */
final class ConfigChecks {

    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final int MAX_HOST_NAME_LENGTH = 253;

    private ConfigChecks() {
    }

    /** Fails when two elements share a key, ignoring case; the message names both positions. */
    static <T> void requireUnique(String listField, List<T> elements, String keyField, Function<T, String> key) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            String value = key.apply(elements.get(i));
            Integer previous = seen.putIfAbsent(value.toLowerCase(Locale.ROOT), i);
            if (previous != null) {
                throw new InvalidValueException(listField + '[' + i + "]." + keyField, quote(value)
                        + " (expected: a " + keyField + " not already used by " + listField + '[' + previous
                        + "], ignoring case)");
            }
        }
    }

    static void requireHostName(String field, String value) {
        if (value.length() > MAX_HOST_NAME_LENGTH || !HOST_NAME.matcher(value).matches()) {
            throw new InvalidValueException(field, quote(value)
                    + " (expected: a DNS host name such as sandbox.servicebus.windows.net)");
        }
    }

    static void requirePositive(String field, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new InvalidValueException(field, Durations.format(value) + " (expected: > 0)");
        }
    }

    static void requirePort(String field, int value) {
        if (value < 0 || value > 65535) {
            throw new InvalidValueException(field, value + " (expected: 0-65535, 0 for an ephemeral port)");
        }
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
