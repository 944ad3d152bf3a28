package dev.relaysim.testcontainers;

import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RelaysimContainer} on the image built from this repository: its connection strings, CA and management API
 * work from the host, and a Java listener and sender relay a message through the published, advertised ports.
 */
@Timeout(300)
class RelaysimContainerTest {

    private static RelaysimContainer relay;

    @BeforeAll
    static void start() {
        relay = new RelaysimContainer(RelaysimImage.build())
                .withHybridConnection("sandbox", "orders")
                .withNamespace("fabrikam")
                .withRendezvousPorts(2);
        relay.start();
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.stop();
        }
    }

    @Test
    void connectionStringsNameTheHostAndThePublishedTlsPort() {
        String tlsPort = String.valueOf(relay.getMappedPort(RelaysimContainer.TLS_PORT));

        assertThat(relay.getConnectionString("sandbox", "orders")).isEqualTo("Endpoint=sb://" + relay.getHost() + ':'
                + tlsPort + "/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                + RelaysimContainer.KEY + ";EntityPath=orders");
        assertThat(relay.getConnectionString("fabrikam", "x"))
                .startsWith("Endpoint=sb://fabrikam.servicebus.windows.net:" + tlsPort + '/');
    }

    @Test
    void aListenerAndASenderOnTheHostRelayThroughTheContainerOverTls() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(relay.createSslContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = "wss://" + relay.getHost() + ':' + relay.getMappedPort(RelaysimContainer.TLS_PORT)
                + "/$hc/orders";
        try (TestListener listener = TestListener.connect(client, URI.create(base + "?sb-hc-action=listen"),
                TestGateway.token("orders"), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(client, URI.create(base + "?sb-hc-action=connect"),
                    Map.of("ServiceBusAuthorization", TestGateway.token("orders"))).get(60, TimeUnit.SECONDS);
            sender.sendText("hello through the container").get(10, TimeUnit.SECONDS);

            assertThat(sender.next(Duration.ofSeconds(30)).asText()).isEqualTo("hello through the container");
            URI accept = URI.create(listener.accepts().get(0).address());
            assertThat(accept.getHost()).isEqualTo(relay.getHost());
            assertThat(relay.getMappedPort(RelaysimContainer.FIRST_RENDEZVOUS_PORT)
                    + "," + relay.getMappedPort(RelaysimContainer.FIRST_RENDEZVOUS_PORT + 1))
                    .contains(String.valueOf(accept.getPort()));
        }
    }

    @Test
    void theCaIsServedAsPemAndAsATruststoreAndTheManagementApiTakesTheAdminKey(@TempDir Path directory)
            throws Exception {
        assertThat(relay.getCaCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        Path truststore = relay.writeTruststore(directory.resolve("relaysim.p12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            store.load(in, RelaysimContainer.TRUSTSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init(store);
        assertThat(store.size()).isEqualTo(1);

        HttpClient client = HttpClient.newHttpClient();
        String namespaces = relay.getManagementUrl() + "/subscriptions/00000000-0000-0000-0000-000000000000"
                + "/resourceGroups/relaysim/providers/Microsoft.Relay/namespaces?api-version=2021-11-01";
        HttpResponse<String> withKey = client.send(HttpRequest.newBuilder(URI.create(namespaces))
                .header("Authorization", "Bearer " + relay.getAdminKey()).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> withoutKey = client.send(HttpRequest.newBuilder(URI.create(namespaces)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(200);
        assertThat(withKey.body()).contains("fabrikam").contains("sandbox");
        assertThat(withoutKey.statusCode()).isEqualTo(401);
    }

    @Test
    void aConfigThatIsNotAJsonObjectIsRefusedBeforeAnyContainerStarts() {
        assertThatThrownBy(() -> new RelaysimContainer("relaysim").withConfig("[1]"))
                .hasMessage("config: a JSON ARRAY (expected: a JSON object)");
        assertThatThrownBy(() -> new RelaysimContainer("relaysim").withRendezvousPorts(0))
                .hasMessage("rendezvousPorts: 0 (expected: 1-200)");
    }
}
