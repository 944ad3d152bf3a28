package dev.relaysim.relay.common.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Client {@code SslContext}s: TLS 1.2 and 1.3, no ALPN, host name verification on ({@code HTTPS} endpoint
 * identification). The server side is the gateway's ({@code dev.relaysim.relay.gateway.tls.DevCertificateAuthority}).
 * They run on BoringSSL where netty-tcnative is on the class path and loads (as on the gateway's side; in the bench the
 * JDK's TLS in the sender and listener was what held TLS throughput down), else on the JDK's provider; both verify host
 * names and send SNI the same way.
 *
 * <p>Host name verification checks the name given to
 * {@link SslContext#newHandler(io.netty.buffer.ByteBufAllocator, String, int)}; a handler created
 * without a host cannot be verified and fails the handshake, so always pass the host the client
 * connects to ({@code localhost}, {@code 127.0.0.1}, ...). That host is also sent as SNI unless it
 * is an IP literal.
 */
public final class SslContexts {

    /** TLS versions offered and accepted on both sides (the gateway's server contexts too), newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final String HOST_NAME_VERIFICATION = "HTTPS";

    private SslContexts() {
    }

    /**
     * The TLS engine of both sides (these client contexts and the gateway's server context): BoringSSL
     * (netty-tcnative) where it is on the class path and loads, else the JDK's.
     */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A client context that trusts the certificates in a PEM file (such as the gateway's {@code tls/ca.pem}) and
     * nothing else.
     *
     * @throws UncheckedIOException if the file cannot be read or holds no certificate
     */
    public static SslContext forClient(Path caCertificatePem) {
        requireNonNull(caCertificatePem, "caCertificatePem");
        List<X509Certificate> certificates;
        try {
            certificates = PemCertificates.read(caCertificatePem);
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

    /**
     * A client {@link SslHandler} for a connection to {@code host}: the host name is verified against
     * the server certificate and sent as SNI unless it is an IP literal.
     *
     * @param host             host name or IP literal (IPv6 without brackets)
     * @param handshakeTimeout how long the TLS handshake may take
     */
    public static SslHandler newClientHandler(SslContext sslContext, ByteBufAllocator alloc, String host, int port,
                                              Duration handshakeTimeout) {
        requireNonNull(sslContext, "sslContext");
        requireNonNull(host, "host");
        SslHandler handler = sslContext.newHandler(alloc, host, port);
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(HOST_NAME_VERIFICATION);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return handler;
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.sslProvider(provider())
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm(HOST_NAME_VERIFICATION)
                    .build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot build a client SslContext", e);
        }
    }
}
