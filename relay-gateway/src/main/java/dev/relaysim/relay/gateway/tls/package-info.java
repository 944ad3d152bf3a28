/**
 * The gateway's TLS material: {@link dev.relaysim.relay.gateway.tls.DevCertificateAuthority} keeps a private
 * certificate authority and a server certificate in a data directory (issued with BouncyCastle) and builds the
 * server {@code SslContext}; clients trust it through {@code dev.relaysim.relay.common.tls.SslContexts}, which
 * needs no BouncyCastle.
 *
 * <p>Files in the data directory (PEM, keys in PKCS#8, keys readable by the owner only where the
 * file system has POSIX permissions):
 * <ul>
 *   <li>{@code ca.pem}, {@code ca-key.pem}: the CA, created once and kept; point
 *       {@code NODE_EXTRA_CA_CERTS} at {@code ca.pem}</li>
 *   <li>{@code server.pem}, {@code server-key.pem}: the server certificate, reissued when its SANs
 *       no longer cover the requested names or it expires within a day</li>
 *   <li>{@code truststore.p12}: PKCS#12 holding the CA, password {@code relaysim}, for
 *       {@code -Djavax.net.ssl.trustStore}</li>
 * </ul>
 */
package dev.relaysim.relay.gateway.tls;
