package dev.relaysim.relay.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads X.509 certificates from PEM files (a CA's {@code ca.pem}) with the JDK's own {@link CertificateFactory}, so
 * that clients trusting a CA need no BouncyCastle on their class path.
 */
public final class PemCertificates {

    private PemCertificates() {
    }

    /**
     * The certificates in {@code file}, in file order (none when it holds no certificate).
     *
     * @throws IOException if the file cannot be read or holds something other than certificates
     */
    public static List<X509Certificate> read(Path file) throws IOException {
        requireNonNull(file, "file");
        byte[] bytes = Files.readAllBytes(file);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage() + " (expected: PEM certificates)", e);
        }
    }

    /**
     * The first certificate in {@code file}.
     *
     * @throws IOException if the file cannot be read, holds something other than certificates or none
     */
    public static X509Certificate readFirst(Path file) throws IOException {
        List<X509Certificate> certificates = read(file);
        if (certificates.isEmpty()) {
            throw new IOException(file + ": no certificate (expected: a PEM CERTIFICATE block)");
        }
        return certificates.get(0);
    }
}
