package dev.relaysim.relay.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class DevCertificateAuthorityTest {

    private static final List<String> LOCALHOST = List.of("localhost");
    private static final List<String> LOOPBACK_V4 = List.of("127.0.0.1");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path directory;

    @Test
    void createsAllFiles() throws Exception {
        DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(authority.caCertificatePem()).isEqualTo(directory.toAbsolutePath().resolve("ca.pem"));
        assertThat(authority.truststore()).isEqualTo(directory.toAbsolutePath().resolve("truststore.p12"));
        for (String file : List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "truststore.p12")) {
            assertThat(directory.resolve(file)).isRegularFile();
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("no temporary files left behind")
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void pemFilesParseWithTheJdkCertificateFactory() throws Exception {
        DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");

        try (InputStream in = Files.newInputStream(authority.caCertificatePem())) {
            assertThat(factory.generateCertificate(in)).isEqualTo(authority.caCertificate());
        }
        try (InputStream in = Files.newInputStream(directory.resolve("server.pem"))) {
            assertThat(factory.generateCertificate(in)).isEqualTo(authority.serverCertificate());
        }
        assertThat(Files.readString(directory.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----\n");
        for (String keyFile : List.of("ca-key.pem", "server-key.pem")) {
            assertThat(Files.readString(directory.resolve(keyFile), StandardCharsets.US_ASCII))
                    .as(keyFile + " is PKCS#8")
                    .startsWith("-----BEGIN PRIVATE KEY-----\n")
                    .endsWith("-----END PRIVATE KEY-----\n");
            assertThat(readKey(directory.resolve(keyFile)).getAlgorithm()).isEqualTo("EC");
        }
    }

    @Test
    void keysAreReadableByTheOwnerOnly() throws Exception {
        assumeThat(directory.getFileSystem().supportedFileAttributeViews()).contains("posix");
        DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        for (String keyFile : List.of("ca-key.pem", "server-key.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(keyFile))))
                    .as(keyFile).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("ca.pem"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void createsAMissingDirectoryForTheOwnerOnly() throws Exception {
        assumeThat(directory.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path nested = directory.resolve("a").resolve("relaysim");

        DevCertificateAuthority.loadOrCreate(nested, LOCALHOST, LOOPBACK_V4);

        assertThat(nested.resolve("ca.pem")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
    }

    @Test
    void caIsACertificateAuthority() throws Exception {
        X509Certificate ca = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4).caCertificate();

        assertThat(ca.getBasicConstraints()).as("CA:true").isGreaterThanOrEqualTo(0);
        boolean[] keyUsage = ca.getKeyUsage();
        assertThat(keyUsage[5]).as("keyCertSign").isTrue();
        assertThat(keyUsage[6]).as("cRLSign").isTrue();
        assertThat(keyUsage[0]).as("digitalSignature").isFalse();
        assertThat(ca.getCriticalExtensionOIDs())
                .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(Duration.between(Instant.now(), ca.getNotAfter().toInstant())).isGreaterThan(Duration.ofDays(3600));
    }

    @Test
    void serverCertificateCoversTheNamesAndServesServerAuth() throws Exception {
        DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(directory,
                List.of("localhost", "Relay.Example"), List.of("127.0.0.1", "::1"));
        X509Certificate server = authority.serverCertificate();

        assertThat(sans(server)).containsExactlyInAnyOrder(
                List.of(2, "localhost"), List.of(2, "relay.example"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(server.getBasicConstraints()).as("CA:false").isEqualTo(-1);
        assertThat(server.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(server.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(server.getIssuerX500Principal()).isEqualTo(authority.caCertificate().getSubjectX500Principal());
        server.verify(authority.caCertificate().getPublicKey());
        Duration validity = Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant());
        assertThat(validity).isBetween(Duration.ofDays(825), Duration.ofDays(826));
    }

    @Test
    void reloadReusesTheCaAndTheServerCertificate() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        String caPem = Files.readString(first.caCertificatePem());
        String serverPem = Files.readString(directory.resolve("server.pem"));

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate()).isEqualTo(first.serverCertificate());
        assertThat(Files.readString(second.caCertificatePem())).isEqualTo(caPem);
        assertThat(Files.readString(directory.resolve("server.pem"))).isEqualTo(serverPem);
    }

    @Test
    void reloadWithFewerNamesKeepsTheServerCertificate() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory,
                List.of("localhost", "relay.test"), List.of("127.0.0.1", "::1"));

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory,
                List.of("LOCALHOST"), List.of("0:0:0:0:0:0:0:1"));

        assertThat(second.serverCertificate()).isEqualTo(first.serverCertificate());
    }

    @Test
    void addingANameReissuesTheServerCertificateButKeepsTheCa() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory,
                List.of("localhost", "relay.test"), LOOPBACK_V4);

        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate().getSerialNumber()).isNotEqualTo(first.serverCertificate()
                .getSerialNumber());
        assertThat(sans(second.serverCertificate())).contains(List.of(2, "relay.test"), List.of(2, "localhost"));
        assertThat(DevCertificateAuthority.readCertificate(directory.resolve("server.pem")))
                .isEqualTo(second.serverCertificate());
        second.serverCertificate().verify(first.caCertificate().getPublicKey());
    }

    @Test
    void addingAnAddressReissuesTheServerCertificate() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST,
                List.of("127.0.0.1", "::1"));

        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate()).isNotEqualTo(first.serverCertificate());
        assertThat(sans(second.serverCertificate())).contains(List.of(7, "0:0:0:0:0:0:0:1"));
    }

    @Test
    void serverCertificateExpiringWithinADayIsReissued() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        X509Certificate shortLived = issueShortLived(first, Duration.ofHours(20));

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate()).isNotEqualTo(shortLived);
        assertThat(second.serverCertificate().getNotAfter().toInstant()).isAfter(Instant.now()
                .plus(Duration.ofDays(800)));
    }

    @Test
    void serverCertificateValidForMoreThanADayIsKept() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        X509Certificate stillValid = issueShortLived(first, Duration.ofDays(2));

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(second.serverCertificate()).isEqualTo(stillValid);
    }

    @Test
    void serverCertificateOfAnotherCaIsReissued(@TempDir Path otherDirectory) throws Exception {
        DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        DevCertificateAuthority other = DevCertificateAuthority.loadOrCreate(otherDirectory, LOCALHOST, LOOPBACK_V4);
        Files.copy(otherDirectory.resolve("server.pem"), directory.resolve("server.pem"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(otherDirectory.resolve("server-key.pem"), directory.resolve("server-key.pem"),
                StandardCopyOption.REPLACE_EXISTING);

        DevCertificateAuthority reloaded = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(reloaded.serverCertificate()).isNotEqualTo(other.serverCertificate());
        reloaded.serverCertificate().verify(reloaded.caCertificate().getPublicKey());
    }

    @Test
    void unreadableServerFilesAreReplaced() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        Files.writeString(directory.resolve("server-key.pem"), "garbage");

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(second.serverCertificate()).isNotEqualTo(first.serverCertificate());
        assertThat(readKey(directory.resolve("server-key.pem")).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void truststoreHoldsTheCaUnderThePassword() throws Exception {
        DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        assertThat(authority.truststorePassword()).isEqualTo("relaysim");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(authority.truststore())) {
            store.load(in, authority.truststorePassword().toCharArray());
        }

        assertThat(store.size()).isEqualTo(1);
        String alias = store.aliases().nextElement();
        assertThat(store.isCertificateEntry(alias)).isTrue();
        Certificate stored = store.getCertificate(alias);
        assertThat(stored).isEqualTo(authority.caCertificate());
    }

    @Test
    void deletedTruststoreIsWrittenAgain() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        Files.delete(first.truststore());

        DevCertificateAuthority second = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(second.truststore())) {
            store.load(in, "relaysim".toCharArray());
        }
        assertThat(store.getCertificate(store.aliases().nextElement())).isEqualTo(first.caCertificate());
    }

    @Test
    void caCertificateWithoutItsKeyIsRefused() throws Exception {
        DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        Files.delete(directory.resolve("ca-key.pem"));

        assertThatThrownBy(() -> DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ca.pem exists without")
                .hasMessageContaining("ca-key.pem");
    }

    @Test
    void malformedNamesAreRefused() {
        assertThatThrownBy(() -> DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, List.of("localhost")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipAddresses: \"localhost\" (expected: an IPv4 or IPv6 literal)");
        assertThatThrownBy(() -> DevCertificateAuthority.loadOrCreate(directory, List.of("bad name"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dnsNames: \"bad name\" (expected: a host name such as localhost)");
        assertThatThrownBy(() -> DevCertificateAuthority.loadOrCreate(directory, List.of("10.0.0.1"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dnsNames: \"10.0.0.1\" (expected: a host name; put IP literals into "
                        + "ipAddresses)");
        assertThatThrownBy(() -> DevCertificateAuthority.loadOrCreate(directory, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: at least one name");
        assertThat(directory.resolve("ca.pem")).doesNotExist();
    }

    private static Collection<List<?>> sans(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames();
    }

    private static PrivateKey readKey(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
    }

    /** Replaces server.pem and server-key.pem with a certificate from the stored CA that expires after {@code
     * lifetime}. */
    private X509Certificate issueShortLived(DevCertificateAuthority authority, Duration lifetime) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(authority.caCertificate(), BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minusSeconds(60)), Date.from(now.plus(lifetime)),
                        new X500Name("CN=localhost"), pair.getPublic())
                        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                        .build(new JcaContentSignerBuilder("SHA256withECDSA")
                                .build(readKey(directory.resolve("ca-key.pem")))));
        Files.writeString(directory.resolve("server.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(directory.resolve("server-key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        return certificate;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
               + "\n-----END " + type + "-----\n";
    }

    @Test
    void theServerContextUsesBoringSslWhereItLoads() throws Exception {
        DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(directory, LOCALHOST, LOOPBACK_V4);
        SslContext server = authority.newServerSslContext();
        assertThat(server.isServer()).isTrue();
        assertThat(server instanceof OpenSslContext).as("BoringSSL available: %s", OpenSsl.isAvailable())
                .isEqualTo(OpenSsl.isAvailable());
        if (isLinuxX64()) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative on Linux x86-64: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
    }

    private static boolean isLinuxX64() {
        return System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"));
    }
}
