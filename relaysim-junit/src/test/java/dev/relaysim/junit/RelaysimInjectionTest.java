package dev.relaysim.junit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a test gets the handle, and what the handle tells about the gateway. */
@RelaysimTest
@Timeout(60)
class RelaysimInjectionTest {

    private static Relaysim staticField;
    private static Relaysim fromBeforeAll;

    private final Relaysim fromConstructor;
    private Relaysim instanceField;
    private Relaysim fromBeforeEach;

    RelaysimInjectionTest(Relaysim relaysim) {
        fromConstructor = relaysim;
    }

    @BeforeAll
    static void beforeAll(Relaysim relaysim) {
        fromBeforeAll = relaysim;
        assertThat(staticField).as("static fields are set before @BeforeAll").isSameAs(relaysim);
    }

    @BeforeEach
    void beforeEach(Relaysim relaysim) {
        fromBeforeEach = relaysim;
    }

    @Test
    void parametersConstructorAndFieldsGetTheSameHandle(Relaysim relaysim) {
        assertThat(relaysim).isNotNull();
        assertThat(staticField).isSameAs(relaysim);
        assertThat(instanceField).isSameAs(relaysim);
        assertThat(fromConstructor).isSameAs(relaysim);
        assertThat(fromBeforeAll).isSameAs(relaysim);
        assertThat(fromBeforeEach).isSameAs(relaysim);
    }

    @Test
    void connectionStringsNameTheAddressTlsPortAndDevelopmentRule(Relaysim relaysim) {
        assertThat(relaysim.connectionString("echo")).isEqualTo("Endpoint=sb://"
                + relaysim.address().getHostAddress() + ':' + relaysim.tlsPort()
                + "/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                + "cmVsYXlzaW0tZGV2LWtleS1kby1ub3QtdXNlLXByb2Q=;EntityPath=echo");
        assertThat(relaysim.defaultNamespace()).isEqualTo(Relaysim.DEFAULT_NAMESPACE);
        assertThat(relaysim.listenUri("echo")).hasToString("wss://" + relaysim.address().getHostAddress() + ':'
                + relaysim.tlsPort() + "/$hc/echo?sb-hc-action=listen");
        assertThatThrownBy(() -> relaysim.connectionString("nope"))
                .hasMessage("entityPath: \"nope\" (expected: one of [echo] in namespace sandbox)");
        assertThatThrownBy(() -> relaysim.connectionString("contoso", "echo"))
                .hasMessage("namespace: \"contoso\" (expected: one of [sandbox])");
        assertThatThrownBy(() -> relaysim.connectionString("sandbox", "echo", "send-only"))
                .hasMessage("ruleName: \"send-only\" (expected: one of [RootManageSharedAccessKey])");
    }

    @Test
    void theCaComesAsPemTruststoreAndSslContextAndIsTheOneTheGatewayPresents(Relaysim relaysim) throws Exception {
        assertThat(relaysim.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(relaysim.caCertificatePath())).isEqualTo(relaysim.caCertificatePem());
        KeyStore truststore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(relaysim.truststorePath())) {
            truststore.load(in, relaysim.truststorePassword().toCharArray());
        }
        assertThat(truststore.size()).isEqualTo(1);

        // The TLS handshake (host name verification on) succeeds against the gateway's own address.
        try (SSLSocket socket = (SSLSocket) relaysim.sslContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(relaysim.address(), relaysim.tlsPort()), 5000);
            var parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(socket.getSession().getPeerCertificates()).hasSizeGreaterThan(0);
        }
    }

    @Test
    void theManagementServerAndDnsResponderListenOnTheGatewayAddress(Relaysim relaysim) throws Exception {
        URI health = URI.create(relaysim.management().url() + "/health");
        assertThat(health.getHost()).isEqualTo(relaysim.address().getHostAddress());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(relaysim.management().namespace("sandbox").path("name").asText()).isEqualTo("sandbox");
        assertThatThrownBy(() -> relaysim.management().namespace("nowhere"))
                .isInstanceOf(ManagementApiException.class).hasMessageContaining("ResourceNotFound");
        assertThat(relaysim.dnsAddress().getAddress()).isEqualTo(relaysim.address());
        assertThat(relaysim.dnsAddress().getPort()).isPositive();
    }
}
