/**
 * Client TLS: {@link dev.relaysim.relay.common.tls.SslContexts} builds the client {@code SslContext}s (a CA's PEM
 * file, given certificates or the JDK's trust store) and {@link dev.relaysim.relay.common.tls.PemCertificates}
 * reads PEM certificates with the JDK alone. The gateway issues its certificates in
 * {@code dev.relaysim.relay.gateway.tls}.
 */
package dev.relaysim.relay.common.tls;
