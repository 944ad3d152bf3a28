package dev.relaysim.relay.gateway.embedded;

import dev.relaysim.relay.gateway.GatewayAddresses;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Comparator;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A started {@link GatewayServer} in this JVM and an {@code SSLContext} that trusts its development CA.
 *
 * <p>{@link #start(IntFunction, int, Clock)} asks for a configuration per attempt, so that a caller can move to other
 * ports or another address when a port is taken ({@link BindException}); any other failure ends the attempts.
 * {@link #sharedDataDirectory()} is a temporary data directory for every embedded gateway of the JVM, so that the
 * development CA is created once per JVM (the server certificate is reissued when a gateway needs other names).
 */
public final class EmbeddedGateway implements AutoCloseable {

    private static Path sharedDataDirectory;

    private final GatewayServer server;
    private final GatewayAddresses addresses;
    private final SSLContext sslContext;

    private EmbeddedGateway(GatewayServer server, GatewayAddresses addresses) {
        this.server = server;
        this.addresses = addresses;
        DevCertificateAuthority ca = server.certificateAuthority();
        sslContext = trusting(ca.truststore(), ca.truststorePassword());
    }

    /**
     * Starts a gateway on the configuration {@code configForAttempt} gives for attempt 0, 1, ...; a port collision
     * moves on to the next attempt, up to {@code attempts}.
     *
     * @throws UncheckedIOException naming the last failure when no attempt started
     * @throws IllegalArgumentException if {@code attempts} is below 1
     */
    public static EmbeddedGateway start(IntFunction<GatewayConfig> configForAttempt, int attempts, Clock clock) {
        requireNonNull(configForAttempt, "configForAttempt");
        requireNonNull(clock, "clock");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 1)");
        }
        IOException failure = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            GatewayServer server = new GatewayServer(configForAttempt.apply(attempt), clock);
            try {
                return new EmbeddedGateway(server, server.start());
            } catch (BindException e) {
                failure = e;
            } catch (IOException e) {
                failure = e;
                break;
            }
        }
        throw new UncheckedIOException("cannot start the gateway: " + failure.getMessage(), failure);
    }

    /** The data directory shared by the embedded gateways of this JVM, deleted when the JVM exits. */
    public static synchronized Path sharedDataDirectory() {
        if (sharedDataDirectory == null) {
            try {
                Path directory = Files.createTempDirectory("relaysim-gateway-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(directory),
                        "relaysim-test-cleanup"));
                sharedDataDirectory = directory;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sharedDataDirectory;
    }

    public GatewayServer server() {
        return server;
    }

    public GatewayAddresses addresses() {
        return addresses;
    }

    public GatewayConfig config() {
        return server.config();
    }

    /** Trusts the gateway's development CA (and nothing else). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Closes the gateway gracefully (its data directory stays); idempotent. */
    @Override
    public void close() {
        server.close();
    }

    private static SSLContext trusting(Path truststore, String password) {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + truststore, e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
