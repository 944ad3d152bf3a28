package dev.relaysim.relay.common.tls;

import dev.relaysim.relay.common.testing.TestServerCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a CA's PEM file with the JDK alone (no BouncyCastle on relay-common's class path). */
class PemCertificatesTest {

    @TempDir
    Path directory;

    @Test
    void readsEveryCertificateOfABundleInOrder() throws Exception {
        Path first = TestServerCertificate.create(directory.resolve("a"), "ca.pem", "dns:localhost").certificatePem();
        Path second = TestServerCertificate.create(directory.resolve("b"), "ca.pem", "ip:127.0.0.1").certificatePem();
        Path bundle = directory.resolve("bundle.pem");
        Files.writeString(bundle, "a comment before the first block\n" + Files.readString(first)
                + Files.readString(second));

        assertThat(PemCertificates.read(bundle)).hasSize(2);
        X509Certificate firstOfBundle = PemCertificates.readFirst(bundle);
        assertThat(firstOfBundle).isEqualTo(PemCertificates.readFirst(first));
        assertThat(SslContexts.forClient(bundle)).isNotNull();
    }

    @Test
    void anEmptyFileHoldsNoCertificateAndGarbageIsAnErrorNamingTheFile() throws Exception {
        Path empty = Files.writeString(directory.resolve("empty.pem"), "");
        Path garbage = Files.writeString(directory.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");

        assertThat(PemCertificates.read(empty)).isEmpty();
        assertThatThrownBy(() -> PemCertificates.readFirst(empty)).isInstanceOf(IOException.class)
                .hasMessage(empty + ": no certificate (expected: a PEM CERTIFICATE block)");
        assertThatThrownBy(() -> PemCertificates.read(garbage)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(garbage + ": ").hasMessageEndingWith("(expected: PEM certificates)");
        assertThatThrownBy(() -> PemCertificates.read(directory.resolve("missing.pem")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void relayCommonCarriesNoBouncyCastle() {
        assertThatThrownBy(() -> Class.forName("org.bouncycastle.cert.X509v3CertificateBuilder"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
