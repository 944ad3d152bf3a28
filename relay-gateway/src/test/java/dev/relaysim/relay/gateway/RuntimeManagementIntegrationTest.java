package dev.relaysim.relay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.gateway.internal.registry.NamespaceStateFile;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Runtime management through the HTTP API of a running gateway, acting on real connections: hybrid connections
 * created and deleted live (listeners of a deleted one closed with 1001, relayed connections kept), rules and keys
 * (a regenerated or deleted key refused for new connections), namespaces answered by DNS and covered by the
 * certificate at once, and every change saved and restored from the data directory.
 */
@Timeout(90)
class RuntimeManagementIntegrationTest {

    private static final String RELAY = ManagementApi.RELAY_NAMESPACES;
    private static final String ENTITY = "live";
    private static final String HC = RELAY + TestGateway.NAMESPACE + "/hybridConnections/" + ENTITY;

    @TempDir
    Path dataDirectory;

    @Test
    void aHybridConnectionCreatedLiveRelaysAndItsDeletionClosesItsListenersWith1001() throws Exception {
        try (TestGateway gateway = TestGateway.builder().start()) {
            assertThat(connect(gateway, ENTITY, TestGateway.KEY_NAME, TestGateway.KEY))
                    .isEqualTo(404);
            JsonNode created = json(send(gateway, "PUT", HC,
                    "{\"properties\": {\"requiresClientAuthorization\": true, \"userMetadata\": \"team=orders\"}}"));
            assertThat(created.path("type").asText()).isEqualTo("Microsoft.Relay/Namespaces/HybridConnections");
            assertThat(created.at("/properties/userMetadata").asText()).isEqualTo("team=orders");
            assertThat(created.at("/properties/listenerCount").asInt()).isZero();

            TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(true, ENTITY),
                    TestGateway.token(ENTITY), new TestListener.Mode.Echo());
            assertThat(json(send(gateway, "GET", HC, null)).at("/properties/listenerCount").asInt()).isEqualTo(1);
            WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(true, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("before").join();
            assertThat(sender.next().asText()).isEqualTo("before");
            // A PUT that leaves userMetadata out keeps it.
            assertThat(json(send(gateway, "PUT", HC, "{\"properties\": {}}")).at("/properties/userMetadata")
                    .asText()).isEqualTo("team=orders");

            assertThat(send(gateway, "DELETE", HC, null).statusCode()).isEqualTo(200);
            WsPeer.Close close = listener.control().closed().get(10, TimeUnit.SECONDS);
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo(GatewayServer.ENTITY_DELETED_REASON);
            // The relayed connection is a rendezvous socket of its own: it keeps working.
            sender.sendText("after").join();
            assertThat(sender.next().asText()).isEqualTo("after");
            assertThat(send(gateway, "GET", HC, null).statusCode()).isEqualTo(404);
            assertThat(send(gateway, "DELETE", HC, null).statusCode()).isEqualTo(204);
            Throwable refused = catchThrowable(() -> TestListener.connect(gateway.httpClient(),
                    gateway.listenUri(true, ENTITY), TestGateway.token(ENTITY), new TestListener.Mode.Echo()));
            assertThat(refused).isNotNull();
            listener.close();
        }
    }

    @Test
    void rulesAndKeysChangeLiveAndARegeneratedOrDeletedKeyIsRefused() throws Exception {
        try (TestGateway gateway = TestGateway.builder().start()) {
            json(send(gateway, "PUT", HC, "{\"properties\": {}}"));
            String rule = HC + "/authorizationRules/app";
            JsonNode created = json(send(gateway, "PUT", rule,
                    "{\"properties\": {\"rights\": [\"Listen\", \"Send\"]}}"));
            assertThat(created.at("/properties/rights").toString()).isEqualTo("[\"Listen\",\"Send\"]");
            JsonNode keys = json(send(gateway, "POST", rule + "/listKeys", null));
            String primary = keys.path("primaryKey").asText();
            assertThat(primary).hasSize(44);
            assertThat(keys.path("secondaryKey").asText()).hasSize(44).isNotEqualTo(primary);
            assertThat(keys.path("primaryConnectionString").asText()).isEqualTo("Endpoint=sb://"
                    + TestGateway.HOST + "/;SharedAccessKeyName=app;SharedAccessKey=" + primary + ";EntityPath=live");

            TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(true, ENTITY),
                    TestGateway.token(ENTITY, "app", primary, Instant.now().plusSeconds(3600)),
                    new TestListener.Mode.Echo());
            WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(true, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY, "app", primary,
                            Instant.now().plusSeconds(3600)))).get(10, TimeUnit.SECONDS);

            JsonNode regenerated = json(send(gateway, "POST", rule + "/regenerateKeys",
                    "{\"keyType\": \"PrimaryKey\"}"));
            String newPrimary = regenerated.path("primaryKey").asText();
            assertThat(newPrimary).hasSize(44).isNotEqualTo(primary);
            assertThat(regenerated.path("secondaryKey").asText()).isEqualTo(keys.path("secondaryKey").asText());
            // The old key is refused for new connections; open ones keep working until their tokens expire.
            assertThat(connect(gateway, ENTITY, "app", primary)).isEqualTo(401);
            assertThat(connect(gateway, ENTITY, "app", newPrimary)).isEqualTo(101);
            sender.sendText("still open").join();
            assertThat(sender.next().asText()).isEqualTo("still open");
            assertThat(listener.control().closed()).isNotDone();

            assertThat(json(send(gateway, "POST", rule + "/regenerateKeys",
                    "{\"keyType\": \"SecondaryKey\", \"key\": \"my-own-key\"}")).path("secondaryKey").asText())
                    .isEqualTo("my-own-key");
            assertThat(send(gateway, "POST", rule + "/regenerateKeys", "{\"keyType\": \"TertiaryKey\"}").body())
                    .contains("PrimaryKey or SecondaryKey");
            // Rights replaced, keys kept.
            assertThat(json(send(gateway, "PUT", rule, "{\"properties\": {\"rights\": [\"Listen\"]}}"))
                    .at("/properties/rights").toString()).isEqualTo("[\"Listen\"]");
            assertThat(connect(gateway, ENTITY, "app", newPrimary)).isEqualTo(403);
            assertThat(send(gateway, "PUT", rule, "{\"properties\": {\"rights\": [\"Manage\"]}}").body())
                    .contains("Manage only together with Listen and Send");

            assertThat(send(gateway, "DELETE", rule, null).statusCode()).isEqualTo(200);
            assertThat(send(gateway, "DELETE", rule, null).statusCode()).isEqualTo(204);
            assertThat(send(gateway, "POST", rule + "/listKeys", null).statusCode()).isEqualTo(404);
            // A namespace rule, for the same paths one level up.
            json(send(gateway, "PUT", RELAY + TestGateway.NAMESPACE + "/authorizationRules/ops",
                    "{\"properties\": {\"rights\": [\"Send\"]}}"));
            String opsKey = json(send(gateway, "POST", RELAY + TestGateway.NAMESPACE
                    + "/authorizationRules/ops/listKeys", null)).path("primaryKey").asText();
            assertThat(connect(gateway, TestGateway.ENTITY, "ops", opsKey)).isEqualTo(404);
            listener.close();
        }
    }

    @Test
    void aNewNamespaceIsAnsweredByDnsAndCoveredByTheCertificateAtOnce() throws Exception {
        String name = "fabrikam-relay";
        String host = name + ".servicebus.windows.net";
        try (TestGateway gateway = TestGateway.builder().dns(true).start()) {
            assertThat(dns(gateway, host).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            JsonNode created = ManagementApi.json(send(gateway, "PUT", RELAY + name,
                    "{\"location\": \"northeurope\"}"), 201);
            assertThat(created.at("/properties/serviceBusEndpoint").asText()).isEqualTo("https://" + host + ":443/");
            assertThat(created.path("location").asText()).isEqualTo("northeurope");
            assertThat(json(send(gateway, "PUT", RELAY + name, "{}")).path("name").asText()).isEqualTo(name);
            assertThat(json(send(gateway, "GET", RELAY + name + "/authorizationRules", null))
                    .at("/value/0/name").asText()).isEqualTo("RootManageSharedAccessKey");
            assertThat(json(send(gateway, "GET", RELAY.substring(0, RELAY.length() - 1), null)).path("value"))
                    .hasSize(3);

            Message answer = dns(gateway, host);
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getSection(1)).isNotEmpty();
            assertThat(presentedNames(gateway)).contains(host, name + ".privatelink.servicebus.windows.net");

            // A hybrid connection in the new namespace, reached by its host name.
            json(send(gateway, "PUT", RELAY + name + "/hybridConnections/orders", "{\"properties\": {}}"));
            assertThat(json(send(gateway, "GET", RELAY + name + "/hybridConnections", null)).path("value"))
                    .hasSize(1);

            assertThat(send(gateway, "PUT", RELAY + "bad_name", "{}").body()).contains("bad_name")
                    .contains("6-50 characters");
            assertThat(send(gateway, "DELETE", RELAY + TestGateway.NAMESPACE, null).statusCode()).isEqualTo(409);
            assertThat(send(gateway, "DELETE", RELAY + name, null).statusCode()).isEqualTo(200);
            assertThat(send(gateway, "DELETE", RELAY + name, null).statusCode()).isEqualTo(204);
            assertThat(dns(gateway, host).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(send(gateway, "GET", RELAY + name, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void changesAreSavedBeforeTheyTakeEffectAndRestoredAtStart() throws Exception {
        try (TestGateway gateway = persistent()) {
            json(send(gateway, "PUT", HC, "{\"properties\": {\"requiresClientAuthorization\": false}}"));
            json(send(gateway, "PUT", HC + "/authorizationRules/app", "{\"properties\": {\"rights\": [\"Send\"]}}"));
            ManagementApi.json(send(gateway, "PUT", RELAY + "fabrikam-relay", "{}"), 201);
            assertThat(send(gateway, "DELETE", RELAY + TestGateway.NAMESPACE + "/hybridConnections/"
                    + TestGateway.OPEN_ENTITY, null).statusCode()).isEqualTo(200);
        }
        assertThat(dataDirectory.resolve(NamespaceStateFile.FILE_NAME)).isRegularFile();
        String key;
        try (TestGateway restarted = persistent()) {
            JsonNode live = json(send(restarted, "GET", HC, null));
            assertThat(live.at("/properties/requiresClientAuthorization").asBoolean()).isFalse();
            key = json(send(restarted, "POST", HC + "/authorizationRules/app/listKeys", null))
                    .path("primaryKey").asText();
            assertThat(key).hasSize(44);
            assertThat(send(restarted, "GET", RELAY + "fabrikam-relay", null).statusCode()).isEqualTo(200);
            assertThat(send(restarted, "GET", RELAY + TestGateway.NAMESPACE + "/hybridConnections/"
                    + TestGateway.OPEN_ENTITY, null).statusCode()).isEqualTo(404);
        }
        Path file = dataDirectory.resolve(NamespaceStateFile.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("\"Send\"", "\"Shout\""));
        assertThat(startFailure()).startsWith(file + ": namespaces[0].authorizationRules[0].rights[1]: \"Shout\" "
                + "(expected: Listen, Send or Manage)").contains("the gateway does not start");
        Files.writeString(file, "{\"version\": 1, \"namespaces\": [");
        assertThat(startFailure()).startsWith(file + " line 1, column ");
    }

    /** The message of the error a start with the saved state fails with. */
    private String startFailure() {
        Throwable failure = catchThrowable(() -> persistent().close());
        assertThat(failure).cause().isInstanceOf(IOException.class);
        return failure.getCause().getMessage();
    }

    private TestGateway persistent() {
        return TestGateway.builder().dataDirectory(dataDirectory).persistent(true).start();
    }

    /** The status a sender's upgrade with a token of {@code keyName}/{@code key} gets (101, 401, 404 ...). */
    private static int connect(TestGateway gateway, String entity, String keyName, String key) throws Exception {
        return WsPeer.upgradeStatus(gateway.httpClient(), gateway.connectUri(true, entity),
                TestGateway.token(entity, keyName, key, Instant.now().plus(Duration.ofHours(1))));
    }

    private static Message dns(TestGateway gateway, String host) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1",
                gateway.addresses().dnsPort()));
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(host + '.'), Type.A, DClass.IN)));
    }

    /** The DNS names of the certificate a new TLS connection to the gateway is given. */
    private static List<String> presentedNames(TestGateway gateway) throws Exception {
        try (SSLSocket socket = (SSLSocket) gateway.sslContext().getSocketFactory()
                .createSocket("127.0.0.1", gateway.addresses().tlsPort())) {
            socket.startHandshake();
            X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return certificate.getSubjectAlternativeNames().stream().filter(san -> (Integer) san.get(0) == 2)
                    .map(san -> (String) san.get(1)).toList();
        }
    }

    private static HttpResponse<String> send(TestGateway gateway, String method, String path, String body)
            throws Exception {
        return ManagementApi.send(gateway.httpClient(), gateway, method, path, body);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ManagementApi.json(response, 200);
    }
}
