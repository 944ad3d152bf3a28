package dev.relaysim.relay.gateway.internal.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The trust files {@code vnet run} hands programs, so that the development CA is trusted the usual ways in addition
 * to the system's CAs (never instead of them): one PEM bundle of the system's CAs and the development CA
 * ({@code SSL_CERT_FILE}, {@code REQUESTS_CA_BUNDLE}, {@code CURL_CA_BUNDLE}), the development CA alone
 * ({@code NODE_EXTRA_CA_CERTS}, which Node adds to its own), and a PKCS#12 trust store of the JDK's CAs and the
 * development CA ({@code javax.net.ssl.trustStore} in {@code JAVA_TOOL_OPTIONS}).
 */
final class VnetTrust {

    /** Where Debian/Ubuntu, Fedora/RHEL and Alpine/others keep the system's CA bundle. */
    private static final List<Path> SYSTEM_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/cert.pem"));
    private static final String DEV_CA_ALIAS = "relaysim-dev-ca";

    private VnetTrust() {
    }

    /** Writes the three files of {@code layout} from the development CA's PEM file. */
    static void write(VnetLayout layout, Path devCaPem) throws IOException {
        String devCa = Files.readString(devCaPem, StandardCharsets.US_ASCII);
        VnetHost.writePublic(layout.devCa(), devCa);
        Optional<Path> system = SYSTEM_BUNDLES.stream().filter(Files::isReadable).findFirst();
        String bundle = system.isPresent() ? Files.readString(system.get(), StandardCharsets.US_ASCII) : "";
        VnetHost.writePublic(layout.caBundle(), bundle + (bundle.isEmpty() || bundle.endsWith("\n") ? "" : "\n")
                + "# relaysim development CA\n" + devCa);
        try {
            KeyStore truststore = KeyStore.getInstance("PKCS12");
            truststore.load(null, null);
            Path jdkCacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
            if (Files.isReadable(jdkCacerts)) {
                KeyStore jdk = KeyStore.getInstance(jdkCacerts.toFile(), VnetsFile.TRUSTSTORE_PASSWORD.toCharArray());
                for (String alias : Collections.list(jdk.aliases())) {
                    if (jdk.isCertificateEntry(alias)) {
                        truststore.setCertificateEntry(alias, jdk.getCertificate(alias));
                    }
                }
            }
            X509Certificate ca;
            try (InputStream in = Files.newInputStream(devCaPem)) {
                ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            truststore.setCertificateEntry(DEV_CA_ALIAS, ca);
            Path temporary = layout.truststore().resolveSibling(layout.truststore().getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                truststore.store(out, VnetsFile.TRUSTSTORE_PASSWORD.toCharArray());
            }
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, layout.truststore(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the trust store " + layout.truststore() + ": " + e.getMessage(), e);
        }
    }
}
