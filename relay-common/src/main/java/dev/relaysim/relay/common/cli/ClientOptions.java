package dev.relaysim.relay.common.cli;

import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The options every client command shares ({@code --connection-string}, {@code --ca}, {@code --source-address},
 * {@code --dns}),
 * as a picocli
 * mixin, and how they fall back to the environment and the gateway's development defaults.
 */
public final class ClientOptions {

    /** Warnings and errors only, on stderr, so that stdout carries what a command reports. */
    private static final String CLI_LOGGING = "dev/relaysim/relay/common/cli/cli-logback.xml";
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    @Option(names = "--connection-string", paramLabel = "CS",
            description = "Endpoint=sb://..;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=.. "
                    + "(default: $RELAYSIM_CONNECTION_STRING, else the gateway's development default for sb://localhost:9443/echo)")
    private String connectionString;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "CA certificate (PEM) to trust (default: $RELAYSIM_CA, else ~/.relaysim/tls/ca.pem if it exists, else the JDK's trust store)")
    private Path ca;

    @Option(names = "--source-address", paramLabel = "ADDRESS",
            description = "IP address to connect from, as a machine with that address would (e.g. 127.10.0.5, a VM "
                    + "in the gateway's virtual network vnet1); it must be an address of this machine "
                    + "(default: the system chooses)")
    private String sourceAddress;

    @Option(names = "--dns", paramLabel = "IP:PORT",
            description = "Resolve host names through this DNS server (e.g. 127.0.0.1:1053, the gateway's), asking from "
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
                         InetAddress sourceAddress, DnsHostResolver resolver) {
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
        ConnectionString parsed;
        RelayEndpoint endpoint;
        try {
            parsed = ConnectionString.parse(connectionString != null ? connectionString
                    : DevDefaults.connectionString(environment));
            endpoint = RelayEndpoint.of(parsed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid connection string: " + e.getMessage(), e);
        }
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
        Optional<Path> caCertificate = ca != null ? Optional.of(ca) : DevDefaults.caCertificate(environment);
        try {
            return new Target(parsed, endpoint, sslContext(caCertificate), source, resolver);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static SslContext sslContext(Optional<Path> caCertificate) {
        if (caCertificate.isEmpty()) {
            return SslContexts.forClientWithSystemTrust();
        }
        Path file = caCertificate.get();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("CA certificate " + file
                    + " does not exist (expected: a PEM file, such as ~/.relaysim/tls/ca.pem)");
        }
        return SslContexts.forClient(file);
    }
}
