package dev.relaysim.relay.common.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate made by the JDK's {@code keytool}, for TLS tests in modules that must not see
 * the gateway's BouncyCastle CA: clients trust {@link #certificatePem()} (the certificate is its own CA) and test
 * servers present it through {@link #newServerSslContext()}.
 */
public final class TestServerCertificate {

    private static final String PASSWORD = "relaysim-test";
    private static final String ALIAS = "server";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final Path keyStore;
    private final Path certificatePem;

    private TestServerCertificate(Path keyStore, Path certificatePem) {
        this.keyStore = keyStore;
        this.certificatePem = certificatePem;
    }

    /**
     * Creates the certificate in {@code directory} ({@code server.p12} and the PEM file {@code pemName}), valid for
     * two days for the given subject alternative names ({@code dns:localhost}, {@code ip:127.0.0.1}).
     */
    public static TestServerCertificate create(Path directory, String pemName, String... subjectAlternativeNames)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path keyStore = directory.resolve("server.p12");
        Path pem = directory.resolve(pemName);
        keytool("-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=relaysim test server", "-ext", "san=" + String.join(",", subjectAlternativeNames));
        keytool("-exportcert", "-rfc", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-alias", ALIAS,
                "-file", pem.toString());
        return new TestServerCertificate(keyStore, pem);
    }

    /** The certificate in PEM: what clients trust. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** A JDK server context presenting the certificate. */
    public SslContext newServerSslContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD.toCharArray());
        return SslContextBuilder.forServer(keyManagers).sslProvider(SslProvider.JDK).build();
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + arguments[0] + " failed: " + output.strip());
        }
    }
}
