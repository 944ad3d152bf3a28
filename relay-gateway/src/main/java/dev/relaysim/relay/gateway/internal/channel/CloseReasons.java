package dev.relaysim.relay.gateway.internal.channel;

import java.nio.charset.StandardCharsets;

/** Close-frame reasons must fit in 123 bytes of UTF-8 (RFC 6455, 5.5). */
public final class CloseReasons {

    static final int MAX_BYTES = 123;

    private CloseReasons() {
    }

    /** {@code reason}, cut at a character boundary so that its UTF-8 form fits. */
    public static String truncate(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES - 3) {
            end--;
            if (end > 0 && Character.isLowSurrogate(reason.charAt(end))) {
                end--;
            }
        }
        return reason.substring(0, end) + "...";
    }
}
