package dev.relaysim.relay.common.cli;

import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import picocli.CommandLine.Option;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code --connection-string} as a picocli mixin, and its fallbacks: {@code $RELAYSIM_CONNECTION_STRING}, else the
 * gateway's development connection string ({@link DevDefaults#connectionString(Map)}).
 */
public final class ConnectionStringOption {

    @Option(names = "--connection-string", paramLabel = "CS",
            description = "Endpoint=sb://..;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=.. (default: "
                    + "$RELAYSIM_CONNECTION_STRING, else the gateway's development default for "
                    + "sb://localhost:9443/echo)")
    private String connectionString;

    /**
     * The connection string: the option, else the environment's, else the development default.
     *
     * @throws ClientOptions.UsageException naming the variable when the environment's is invalid
     */
    public ConnectionString resolve(Map<String, String> environment) throws ClientOptions.UsageException {
        requireNonNull(environment, "environment");
        try {
            return ConnectionString.parse(connectionString != null ? connectionString
                    : DevDefaults.connectionString(environment));
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /**
     * The relay endpoint of {@link #resolve(Map)}'s connection string.
     *
     * @throws ClientOptions.UsageException as {@link #resolve(Map)} when the string names no usable endpoint
     */
    public RelayEndpoint endpoint(ConnectionString resolved) throws ClientOptions.UsageException {
        try {
            return RelayEndpoint.of(requireNonNull(resolved, "resolved"));
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    private ClientOptions.UsageException invalid(IllegalArgumentException e) {
        return new ClientOptions.UsageException((connectionString == null ? DevDefaults.CONNECTION_STRING_ENV + ": "
                : "") + "invalid connection string: " + e.getMessage(), e);
    }
}
