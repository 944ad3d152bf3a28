package dev.relaysim.relay.common.connection;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The development defaults every relaysim tool agrees on: the well-known key of the embedded
 * gateway configuration, the default connection string for the {@code echo} hybrid connection,
 * and where the gateway keeps its data and its development CA. The key is public; it protects
 * nothing but a local simulator.
 */
public final class DevDefaults {

    /** Name of the namespace-level rule with Listen, Send and Manage rights. */
    public static final String KEY_NAME = "RootManageSharedAccessKey";
    /** Primary key of {@link #KEY_NAME}: base64 of {@code relaysim-dev-key-do-not-use-prod}. */
    public static final String KEY = "cmVsYXlzaW0tZGV2LWtleS1kby1ub3QtdXNlLXByb2Q=";
    /** Secondary key of {@link #KEY_NAME}: base64 of {@code relaysim-dev-key-2-not-for-prod!}. */
    public static final String SECONDARY_KEY = "cmVsYXlzaW0tZGV2LWtleS0yLW5vdC1mb3ItcHJvZCE=";
    /** The gateway's default TLS front end. */
    public static final String ENDPOINT = "sb://localhost:9443/";
    /** The hybrid connection of the embedded configuration. */
    public static final String ENTITY_PATH = "echo";
    /**
     * {@code Endpoint=sb://localhost:9443/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=..;}
     * {@code EntityPath=echo}.
     */
    public static final String CONNECTION_STRING = "Endpoint=" + ENDPOINT + ";SharedAccessKeyName=" + KEY_NAME
            + ";SharedAccessKey=" + KEY + ";EntityPath=" + ENTITY_PATH;
    /** Environment variable that overrides {@link #CONNECTION_STRING} for the listener and sender tools. */
    public static final String CONNECTION_STRING_ENV = "RELAYSIM_CONNECTION_STRING";
    /** Environment variable naming the CA certificate (PEM) the tools trust. */
    public static final String CA_ENV = "RELAYSIM_CA";
    /** Environment variable naming the gateway's data directory (also the gateway's {@code --data-dir}). */
    public static final String DATA_DIRECTORY_ENV = "RELAYSIM_DATA_DIR";
    /** Name of the data directory under the home directory. */
    public static final String DATA_DIRECTORY_NAME = ".relaysim";
    /** Subdirectory of the data directory holding the development CA and server certificate. */
    public static final String TLS_DIRECTORY_NAME = "tls";
    /** File name of the CA certificate in the TLS directory. */
    public static final String CA_CERTIFICATE_FILE = "ca.pem";

    private DevDefaults() {
    }

    /** {@code $HOME}, or the {@code user.home} property when {@code HOME} is unset. */
    public static Path homeDirectory(Map<String, String> environment) {
        requireNonNull(environment, "environment");
        String home = environment.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /** {@code $RELAYSIM_DATA_DIR} if set, else {@code $HOME/.relaysim}: where the gateway keeps its data. */
    public static Path dataDirectory(Map<String, String> environment) {
        String configured = requireNonNull(environment, "environment").get(DATA_DIRECTORY_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return homeDirectory(environment).resolve(DATA_DIRECTORY_NAME);
    }

    /** {@code <dataDirectory>/tls/ca.pem}, where the gateway writes its development CA. */
    public static Path caCertificatePem(Path dataDirectory) {
        requireNonNull(dataDirectory, "dataDirectory");
        return dataDirectory.resolve(TLS_DIRECTORY_NAME).resolve(CA_CERTIFICATE_FILE);
    }

    /** {@code $RELAYSIM_CONNECTION_STRING} if set, else {@link #CONNECTION_STRING}. */
    public static String connectionString(Map<String, String> environment) {
        requireNonNull(environment, "environment");
        String fromEnvironment = environment.get(CONNECTION_STRING_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? CONNECTION_STRING : fromEnvironment;
    }
}
