package dev.relaysim.relay.common.cli;

import dev.relaysim.relay.common.testing.TestServerCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which CA the client commands trust, and errors that name the option or variable that held a bad value. */
class ClientOptionsTest {

    @Command(name = "send")
    static final class Holder {
        @Mixin
        ClientOptions options;
    }

    @TempDir
    static Path gatewayData;

    @TempDir
    Path home;

    @BeforeAll
    static void gatewayWritesItsCa() throws Exception {
        TestServerCertificate.create(gatewayData.resolve("tls"), "ca.pem", "dns:localhost", "ip:127.0.0.1");
    }

    @Test
    void dataDirTrustsTheCaOfThatGateway() throws Exception {
        ClientOptions.Target target = resolve(Map.of("HOME", home.toString()), "--data-dir", gatewayData.toString());

        assertThat(target.trusted()).isEqualTo("the CA " + gatewayData.resolve("tls/ca.pem") + " (--data-dir)");
        assertThat(target.tlsHint()).startsWith("tried the CA " + gatewayData.resolve("tls/ca.pem") + " (--data-dir); ")
                .contains("--data-dir DIR", "--ca FILE");
    }

    @Test
    void theDataDirectoryVariableIsFollowedLikeTheGatewayFollowsIt() throws Exception {
        ClientOptions.Target target =
                resolve(Map.of("HOME", home.toString(), "RELAYSIM_DATA_DIR", gatewayData.toString()));

        assertThat(target.trusted()).isEqualTo("the CA " + gatewayData.resolve("tls/ca.pem") + " ($RELAYSIM_DATA_DIR)");
    }

    @Test
    void withoutAnyCaTheHintSaysWhichFileWasMissing() throws Exception {
        ClientOptions.Target target = resolve(Map.of("HOME", home.toString()));

        assertThat(target.trusted()).isEqualTo("the JDK's trust store (no --ca or --data-dir given, and "
                + home.resolve(".relaysim/tls/ca.pem") + " does not exist)");
    }

    @Test
    void aFileThatIsNoPemCertificateIsNamedWithoutAJavaClassName() throws Exception {
        Path notPem = Files.writeString(home.resolve("notes.txt"), "not a certificate");

        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString()), "--ca", notPem.toString()))
                .isInstanceOf(ClientOptions.UsageException.class)
                .hasMessageStartingWith("--ca: " + notPem + ": ")
                .hasMessageNotContaining("Exception").hasMessageNotContaining("java.");
    }

    @Test
    void badValuesFromTheEnvironmentNameTheirVariable() {
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString(), "RELAYSIM_CA",
                home.resolve("missing.pem").toString())))
                .hasMessage("RELAYSIM_CA: " + home.resolve("missing.pem")
                        + " does not exist (expected: a PEM CA certificate, "
                        + "such as the tls/ca.pem the gateway writes to its data directory)");
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString(), "RELAYSIM_DATA_DIR", home.toString())))
                .hasMessageStartingWith("RELAYSIM_DATA_DIR: " + home.resolve("tls/ca.pem") + " does not exist");
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString(), "RELAYSIM_CONNECTION_STRING", "foo")))
                .hasMessageStartingWith("RELAYSIM_CONNECTION_STRING: invalid connection string: ");
        assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString()), "--connection-string", "foo"))
                .hasMessageStartingWith("invalid connection string: ");
    }

    private static ClientOptions.Target resolve(Map<String, String> environment, String... args)
            throws ClientOptions.UsageException {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.options.resolve(environment);
    }
}
