package dev.relaysim.relay.common.client;

import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/** Explains in words why a connection could not be made, for command-line tools. */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    /** {@code failure} without the {@link CompletionException} and {@link ExecutionException} wrappers futures add. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = requireNonNull(failure, "failure");
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * Describes a failure to reach {@code authority} ({@code host:port}) for a person: refused,
     * unresolvable, TLS, timeout. A {@link RelayHandshakeException} (the server's answer) is
     * described by its status and reason; callers usually explain those themselves.
     */
    public static String describe(Throwable failure, String authority) {
        return describe(failure, authority,
                "trust the gateway's CA with --ca FILE or RELAYSIM_CA (the gateway writes it "
                + "to <data dir>/tls/ca.pem)");
    }

    /**
     * {@link #describe(Throwable, String)} with {@code tlsHint} after a failed TLS handshake (which CA, what to do).
     */
    public static String describe(Throwable failure, String authority, String tlsHint) {
        requireNonNull(authority, "authority");
        requireNonNull(tlsHint, "tlsHint");
        Throwable cause = unwrap(failure);
        if (cause instanceof RelayHandshakeException refused) {
            return "the gateway at " + authority + " refused the request: " + refused.statusCode() + ' '
                    + refused.description();
        }
        if (cause instanceof ConnectTimeoutException) {
            return "cannot reach " + authority + ": connect timed out — is ./relaysim gateway running?";
        }
        if (cause instanceof ConnectException) {
            String message = String.valueOf(cause.getMessage());
            String reason = message.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : message;
            return "cannot reach " + authority + ": " + reason + " — is ./relaysim gateway running?";
        }
        if (cause instanceof UnknownHostException) {
            return "cannot resolve the host of " + authority + ": " + cause.getMessage();
        }
        if (cause instanceof SSLException) {
            return "TLS handshake with " + authority + " failed: " + tlsReason(cause) + " — " + tlsHint;
        }
        if (cause instanceof TimeoutException) {
            return "no answer from " + authority + ": " + cause.getMessage();
        }
        return "connection to " + authority + " failed: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    private static String tlsReason(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("PKIX path")) {
            return "its certificate is not signed by a trusted CA";
        }
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "its certificate does not cover the host name (" + message + ")";
        }
        return message;
    }
}
