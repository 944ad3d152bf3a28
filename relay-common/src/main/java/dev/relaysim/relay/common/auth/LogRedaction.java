package dev.relaysim.relay.common.auth;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Takes secrets out of text bound for a log: whatever follows {@code sb-hc-token=}, a {@code sig} field (as
 * {@code sig=}, percent-encoded once or twice, or the {@code sig: '...'} of a {@link SasToken} parse error), the
 * scheme word {@code SharedAccessSignature} (followed by a space, {@code %20} or {@code +}) and a JSON
 * {@code "token":"..."} is replaced by {@code ***} up to the next {@code &}, white space or quote. Used where log text
 * may quote what a client sent: request targets, header values, parse errors.
 */
public final class LogRedaction {

    private static final Pattern SECRETS = Pattern.compile("(?i)(sb-hc-token=|sig(?:=|%3D|%253D|: ')"
            + "|SharedAccessSignature(?:\\s|%20|\\+)|\"token\"\\s*:\\s*\")[^&\\s'\"]*");

    private LogRedaction() {
    }

    /** {@code text} with anything that looks like a token or its signature replaced by {@code ***}. */
    public static String redact(String text) {
        requireNonNull(text, "text");
        return SECRETS.matcher(text).replaceAll("$1***");
    }
}
