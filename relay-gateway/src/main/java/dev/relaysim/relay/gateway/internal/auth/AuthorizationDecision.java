package dev.relaysim.relay.gateway.internal.auth;

import dev.relaysim.relay.gateway.internal.registry.EntityMatch;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The outcome of {@link RelayAuthorizer#authorize}: a grant or a refusal. */
public sealed interface AuthorizationDecision {

    /**
     * The request may go on.
     *
     * @param match the hybrid connection and suffix the path resolved to
     * @param keyName the rule whose key signed the token, or {@code null} for an anonymous sender
     * @param expiresAt when the token expires, or {@code null} for an anonymous sender
     */
    record Granted(EntityMatch match, String keyName, Instant expiresAt) implements AuthorizationDecision {

        public Granted {
            requireNonNull(match, "match");
        }

        /** Empty for an anonymous sender. */
        public Optional<Instant> expiry() {
            return Optional.ofNullable(expiresAt);
        }
    }

    /**
     * The request is refused.
     *
     * @param statusCode 401, 403 or 404
     * @param message the service's text, without tracking information, for example
     *                {@code "The token has an invalid signature."}
     * @param reason why, for the log (may name the key, never contains a key or a signature)
     * @param systemTracker {@code <namespace host>:<entity>} for the error text
     */
    record Refused(int statusCode, String message, String reason, String systemTracker)
            implements AuthorizationDecision {

        public Refused {
            requireNonNull(message, "message");
            requireNonNull(reason, "reason");
            requireNonNull(systemTracker, "systemTracker");
        }
    }
}
