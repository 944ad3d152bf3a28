package dev.relaysim.relay.common.cli;

import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The options every client command shares ({@code --connection-string}, {@code --ca}, {@code --data-dir},
 * {@code --source-address}, {@code --dns}),
 * as a picocli
 * mixin, and how they fall back to the environment and the gateway's development defaults.
 */
public final class ClientOptions {

    /** Warnings and errors only, on stderr, so that stdout carries what a command reports. */
    private static final String CLI_LOGGING = "dev/relaysim/relay/common/cli/cli-logback.xml";
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    @Mixin
    private ConnectionStringOption connectionString = new ConnectionStringOption();

    @Option(names = "--ca", paramLabel = "FILE",
            description = "CA certificate (PEM) to trust (default: the CA of --data-dir, else $RELAYSIM_CA, else "
                    + "$RELAYSIM_DATA_DIR/tls/ca.pem, else ~/.relaysim/tls/ca.pem if it exists, "
                    + "else the JDK's trust store)")
    private Path ca;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The data directory of the gateway to talk to (its --data-dir): trust the CA it wrote to "
                    + "DIR/tls/ca.pem (default: $RELAYSIM_DATA_DIR, else ~/.relaysim)")
    private Path dataDirectory;

    @Option(names = "--source-address", paramLabel = "ADDRESS",
            description = "IP address to connect from, as a machine with that address would (e.g. 127.10.0.5, a VM "
                    + "in the gateway's virtual network vnet1); it must be an address of this machine "
                    + "(default: the system chooses)")
    private String sourceAddress;

    @Option(names = "--dns", paramLabel = "IP:PORT",
            description =
                    "Resolve host names through this DNS server (e.g. 127.0.0.1:1053, the gateway's), asking from "
                    + "--source-address so that it answers as it would for that machine; TLS still checks the real "
                    + "host name (default: the system's resolver)")
    private String dns;

    /**
     * Where a client command connects, what it trusts and where it connects from, resolved from the options.
     *
     * @param sourceAddress the local address to bind, or {@code null} to let the system choose
     * @param resolver      the {@code --dns} server's resolver (asking from the source address), or {@code null} for
     *                      the system's
     */
    public record Target(ConnectionString connectionString, RelayEndpoint endpoint, SslContext sslContext,
                         @Nullable InetAddress sourceAddress, @Nullable DnsHostResolver resolver, String trusted) {

        /** What a failed TLS handshake should add: which CA was tried, and how to choose another. */
        public String tlsHint() {
            return "tried " + trusted + "; trust the CA of the gateway you talk to with --data-dir DIR (the gateway's "
                    + "--data-dir) or --ca FILE";
        }

        /** {@link ConnectFailures#describe(Throwable, String, String)} for this target's authority and CA. */
        public String describe(Throwable failure) {
            return ConnectFailures.describe(failure, endpoint.authority(), tlsHint());
        }
    }

    /** Thrown for options that cannot work; the message is meant for the user as it is. */
    public static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Points logback at the commands' quiet configuration unless the user chose one; call first in
     * {@code main}, before anything logs.
     */
    public static void useQuietLogging() {
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, CLI_LOGGING);
        }
    }

    /**
     * The connection string (the option, else {@code $RELAYSIM_CONNECTION_STRING}, else the development
     * default) and the TLS context (the option, else {@code $RELAYSIM_CA}, else the gateway's CA file if it
     * exists, else the JDK's trust store).
     */
    public Target resolve(Map<String, String> environment) throws UsageException {
        requireNonNull(environment, "environment");
        ConnectionString parsed = connectionString.resolve(environment);
        RelayEndpoint endpoint = connectionString.endpoint(parsed);
        InetAddress source = null;
        if (sourceAddress != null) {
            source = NetUtil.createInetAddressFromIpAddressString(sourceAddress.strip());
            if (source == null) {
                throw new UsageException("--source-address: \"" + sourceAddress
                        + "\" (expected: an IP address of this machine, such as 127.10.0.5)", null);
            }
        }
        DnsHostResolver resolver = null;
        if (dns != null) {
            try {
                resolver = new DnsHostResolver(DnsHostResolver.parseServer(dns), source);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        Trust trust = trust(environment);
        try {
            return new Target(parsed, endpoint, sslContext(trust), source, resolver, trust.description());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(trust.source() + ": " + FileErrors.describe(e), e);
        }
    }

    /** The CA file to trust (none: the JDK's trust store), the option or variable it came from, and both in words. */
    private record Trust(@Nullable Path file, String source, String description) {
    }

    private Trust trust(Map<String, String> environment) {
        if (ca != null) {
            return new Trust(ca, "--ca", "the CA " + ca + " (--ca)");
        }
        if (dataDirectory != null) {
            Path file = DevDefaults.caCertificatePem(dataDirectory);
            return new Trust(file, "--data-dir", "the CA " + file + " (--data-dir)");
        }
        String caVariable = environment.get(DevDefaults.CA_ENV);
        if (caVariable != null && !caVariable.isBlank()) {
            return new Trust(Path.of(caVariable), DevDefaults.CA_ENV,
                    "the CA " + caVariable + " ($" + DevDefaults.CA_ENV + ")");
        }
        String dataVariable = environment.get(DevDefaults.DATA_DIRECTORY_ENV);
        if (dataVariable != null && !dataVariable.isBlank()) {
            Path file = DevDefaults.caCertificatePem(Path.of(dataVariable));
            return new Trust(file, DevDefaults.DATA_DIRECTORY_ENV,
                    "the CA " + file + " ($" + DevDefaults.DATA_DIRECTORY_ENV + ")");
        }
        Path usual = DevDefaults.caCertificatePem(DevDefaults.dataDirectory(environment));
        if (Files.isRegularFile(usual)) {
            return new Trust(usual, "the default CA", "the CA " + usual + " (the default data directory)");
        }
        return new Trust(null, "the JDK's trust store",
                "the JDK's trust store (no --ca or --data-dir given, and " + usual + " does not exist)");
    }

    private static SslContext sslContext(Trust trust) {
        Path file = trust.file();
        if (file == null) {
            return SslContexts.forClientWithSystemTrust();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist (expected: a PEM CA certificate, such as "
                    + "the tls/ca.pem the gateway writes to its data directory)");
        }
        try {
            return SslContexts.forClient(file);
        } catch (UncheckedIOException e) {
            // The reader's message names the file and what was wrong with it.
            throw new IllegalArgumentException(FileErrors.describe(e), e);
        }
    }
}
