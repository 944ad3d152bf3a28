package dev.relaysim.relay.common.protocol;

import static java.util.Objects.requireNonNull;

/** Entity paths as they appear in addresses, audiences and connection strings. */
public final class EntityPaths {

    private EntityPaths() {
    }

    /** {@code path} without leading and trailing slashes: {@code /echo/} gives {@code echo}. */
    public static String trimSlashes(String path) {
        requireNonNull(path, "path");
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
