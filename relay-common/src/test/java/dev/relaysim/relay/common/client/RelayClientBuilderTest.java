package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.testing.TestServerCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options the listener and both senders share: defaults, what each option sets, and errors naming the value. */
class RelayClientBuilderTest {

    private static final String CONNECTION_STRING = "Endpoint=sb://relay.example:9443/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0;EntityPath=orders/eu";

    /** The smallest concrete builder: it builds its settings. */
    static final class Builder extends RelayClientBuilder<Builder> {

        @Override
        protected Builder self() {
            return this;
        }

        RelayClientBuilder.Settings build() {
            return settings();
        }
    }

    @TempDir
    Path directory;

    @Test
    void aConnectionStringGivesEndpointTokensAndItsOperationTimeout() {
        RelayClientBuilder.Settings settings = new Builder()
                .connectionString(ConnectionString.parse(CONNECTION_STRING + ";OperationTimeout=00:00:07")).build();

        assertThat(settings.endpoint()).isEqualTo(new RelayEndpoint(true, "relay.example", 9443, "orders/eu"));
        assertThat(settings.tokenProvider()).isNotNull();
        assertThat(settings.tokenProvider().token(settings.endpoint().audience(), Duration.ofMinutes(1)))
                .startsWith("SharedAccessSignature ");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void theDefaultsAreTheSystemsAndTheSdks() {
        RelayClientBuilder.Settings settings = new Builder()
                .endpoint(URI.create("ws://127.0.0.1:9080"), "echo", null).build();

        assertThat(settings.endpoint().secure()).isFalse();
        assertThat(settings.tokenProvider()).isNull();
        assertThat(settings.sslContext()).isNull();
        assertThat(settings.eventLoopGroup()).isNull();
        assertThat(settings.sourceAddress()).isNull();
        assertThat(settings.resolver()).isNull();
        assertThat(settings.connectTimeout()).isEqualTo(ConnectionString.DEFAULT_OPERATION_TIMEOUT);
        assertThat(settings.tokenTimeToLive()).isEqualTo(RelayClientBuilder.DEFAULT_TOKEN_TIME_TO_LIVE);
    }

    @Test
    void aCaCertificateFileBecomesTheTrustUnlessAnSslContextIsGiven() throws Exception {
        TestServerCertificate certificate = TestServerCertificate.create(directory, "ca.pem", "dns:localhost");

        assertThat(new Builder().endpoint(URI.create("wss://localhost"), "echo", null)
                .caCertificate(certificate.certificatePem()).build().sslContext()).isNotNull();
    }

    @Test
    void aMissingEndpointAndUnreadableCaAreNamed() throws Exception {
        assertThatThrownBy(() -> new Builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessage("endpoint (set connectionString or endpoint)");

        Path empty = Files.writeString(directory.resolve("empty.pem"), "");
        assertThatThrownBy(() -> new Builder().endpoint(URI.create("wss://localhost"), "echo", null)
                .caCertificate(empty).build()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(empty + ": no certificate");
    }

    @Test
    void invalidValuesFailAtOnceNamingTheValueAndWhatWasExpected() {
        Builder builder = new Builder();

        assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1)))
                .hasMessage("connectTimeout: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> builder.tokenTimeToLive(Duration.ofMillis(999)))
                .hasMessage("tokenTimeToLive: PT0.999S (expected: >= 1 s)");
        assertThatThrownBy(() -> builder.endpoint(URI.create("ftp://relay.example"), "echo", null))
                .hasMessageStartingWith("namespace: ftp://relay.example (expected: ");
        assertThatThrownBy(() -> builder.endpoint(URI.create("wss://relay.example"), "/", null))
                .hasMessageStartingWith("entityPath: '' (expected: ");
        assertThatThrownBy(() -> builder.connectTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("connectTimeout");
    }
}
