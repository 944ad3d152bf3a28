package dev.relaysim.relay.common.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Client {@code SslContext}s: JDK provider, TLS 1.2 and 1.3, no ALPN, host name verification on
 * ({@code HTTPS} endpoint identification). The server side is
 * {@link DevCertificateAuthority#newServerSslContext()}.
 *
 * <p>Host name verification checks the name given to
 * {@link SslContext#newHandler(io.netty.buffer.ByteBufAllocator, String, int)}; a handler created
 * without a host cannot be verified and fails the handshake, so always pass the host the client
 * connects to ({@code localhost}, {@code 127.0.0.1}, ...). That host is also sent as SNI unless it
 * is an IP literal.
 */
public final class SslContexts {

    /** TLS versions offered and accepted on both sides, newest first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String HOST_NAME_VERIFICATION = "HTTPS";

    private SslContexts() {
    }

    /**
     * A client context that trusts the certificates in a PEM file (such as
     * {@link DevCertificateAuthority#caCertificatePem()}) and nothing else.
     *
     * @throws UncheckedIOException if the file cannot be read or holds no certificate
     */
    public static SslContext forClient(Path caCertificatePem) {
        requireNonNull(caCertificatePem, "caCertificatePem");
        List<X509Certificate> certificates;
        try {
            certificates = DevCertificateAuthority.readCertificates(caCertificatePem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (certificates.isEmpty()) {
            throw new UncheckedIOException(new IOException(
                    caCertificatePem + ": no certificate (expected: a PEM CERTIFICATE block)"));
        }
        return forClient(certificates.toArray(new X509Certificate[0]));
    }

    /** A client context that trusts the given certificates and nothing else. */
    public static SslContext forClient(X509Certificate... trusted) {
        requireNonNull(trusted, "trusted");
        if (trusted.length == 0) {
            throw new IllegalArgumentException("trusted: none (expected: at least one certificate)");
        }
        for (int i = 0; i < trusted.length; i++) {
            requireNonNull(trusted[i], "trusted[" + i + ']');
        }
        return build(SslContextBuilder.forClient().trustManager(trusted.clone()));
    }

    /** A client context that trusts the JDK's default trust store (cacerts, or {@code javax.net.ssl.trustStore}). */
    public static SslContext forClientWithSystemTrust() {
        return build(SslContextBuilder.forClient());
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm(HOST_NAME_VERIFICATION)
                    .build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot build a client SslContext", e);
        }
    }
}
