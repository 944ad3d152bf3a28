package dev.relaysim.relay.common.client;

import java.time.Clock;
import java.time.Duration;

import dev.relaysim.relay.common.connection.ConnectionString;

import static java.util.Objects.requireNonNull;

/**
 * Supplies the SAS token sent as {@code ServiceBusAuthorization} on an upgrade request or in a
 * {@code renewToken} command.
 */
@FunctionalInterface
public interface TokenProvider {

    /**
     * Returns a token, including its {@code "SharedAccessSignature "} prefix.
     *
     * @param audience the resource URI the token is for, e.g. {@code http://localhost/echo/}
     * @param validFor how long a token created now should stay valid
     */
    String token(String audience, Duration validFor);

    /** Tokens from a connection string: signed with its key, or its fixed {@code SharedAccessSignature}. */
    static TokenProvider of(ConnectionString connectionString) {
        requireNonNull(connectionString, "connectionString");
        return (audience, validFor) -> connectionString.tokenFor(audience, validFor, Clock.systemUTC());
    }
}
