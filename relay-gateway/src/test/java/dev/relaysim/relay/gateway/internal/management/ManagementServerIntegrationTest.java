package dev.relaysim.relay.gateway.internal.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.cli.RelaysimVersion;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The management server of a real gateway on loopback: /health, /metrics and the errors of its router. */
@Timeout(60)
class ManagementServerIntegrationTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MESSAGE_WAIT = Duration.ofSeconds(10);

    @Test
    void healthIsHealthyWithVersionUptimeAndPorts() throws Exception {
        TestGateway gw = gateway.get();

        HttpResponse<String> response = get(gw, "GET", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue(ManagementResponse.JSON);
        assertThat(response.headers().firstValue(ManagementResponse.VERSION_HEADER))
                .hasValue(RelaysimVersion.current());
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("version").asText()).isEqualTo(RelaysimVersion.current()).matches("\\d+\\.\\d+.*");
        assertThat(health.path("uptimeSeconds").isIntegralNumber()).isTrue();
        assertThat(health.path("startedAt").asText()).endsWith("Z");
        JsonNode ports = health.path("ports");
        assertThat(ports.path("tls").asInt()).isEqualTo(gw.addresses().tlsPort());
        assertThat(ports.path("plain").asInt()).isEqualTo(gw.addresses().plainPort());
        assertThat(ports.path("management").asInt()).isEqualTo(gw.addresses().managementPort());
        assertThat(ports.path("rendezvous").asText()).isEqualTo(gw.addresses().rendezvous().get(0).getPort() + "-"
                + gw.addresses().rendezvous().get(TestGateway.DEFAULT_BLOCK - 1).getPort());
    }

    @Test
    void metricsArePrometheusTextWithTheRelaySeriesOfAnEcho() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(20, TimeUnit.SECONDS);
            sender.sendText("hello").get(10, TimeUnit.SECONDS);
            assertThat(sender.next(MESSAGE_WAIT).asText()).isEqualTo("hello");

            HttpResponse<String> response = get(gw, "GET", "/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
            String tags = "entity=\"echo\",namespace=\"sandbox\"";
            assertThat(response.body())
                    .contains("relay_listeners_connected{" + tags + "} 1")
                    .contains("relay_rendezvous_completed_total{" + tags + "} 1")
                    .contains("relay_connections_active{" + tags + "} 1")
                    .contains("relay_relayed_bytes_total{direction=\"sender_to_listener\"," + tags + "} 5")
                    .contains("relay_relayed_bytes_total{direction=\"listener_to_sender\"," + tags + "} 5")
                    .contains("relay_relayed_messages_total{direction=\"sender_to_listener\"," + tags + "} 1")
                    .contains("relay_handshake_latency_seconds_count{action=\"listen\"} 1")
                    .contains("relay_handshake_latency_seconds_bucket{action=\"connect\",le=\"0.01\"}")
                    .contains("relay_rendezvous_latency_seconds_bucket{" + tags + ",le=\"60.0\"} 1")
                    .contains("relay_refusals_total{reason=\"auth\"} 0")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("netty_eventexecutor_tasks_pending{name=\"relaysim-gateway-io-");
            sender.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            sender.closed().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405InArmShape() throws Exception {
        TestGateway gw = gateway.get();

        HttpResponse<String> notFound = get(gw, "GET", "/subscriptions/s/resourceGroups/rg");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("content-type")).hasValue(ManagementResponse.JSON);
        JsonNode error = JSON.readTree(notFound.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("NotFound");
        assertThat(error.path("message").asText()).contains("/subscriptions/s/resourceGroups/rg");

        HttpResponse<String> wrongMethod = get(gw, "DELETE", "/metrics");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET");
        assertThat(wrongMethod.headers().firstValue(ManagementResponse.VERSION_HEADER)).isPresent();
        assertThat(JSON.readTree(wrongMethod.body()).path("error").path("code").asText())
                .isEqualTo("MethodNotAllowed");
    }

    @Test
    void undecodableRequestIs400AndClosed() throws Exception {
        int port = gateway.get().addresses().managementPort();

        RawHttp.Response response = RawHttp.exchange(port, "GET /health HTTP/9.x\r\nHost: localhost\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("connection", "close");
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText()).isEqualTo("BadRequest");
    }

    @Test
    void healthIs503WhileTheGatewayDrainsAndTheServerCanBeTurnedOff() throws Exception {
        try (TestGateway off = TestGateway.builder().management(false).start()) {
            assertThat(off.addresses().management()).isEmpty();
        }
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            // An open relayed connection makes close() wait for the drain (the 2 s shutdown timeout).
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(20, TimeUnit.SECONDS);
            assertThat(get(gw, "GET", "/health").statusCode()).isEqualTo(200);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                HttpResponse<String> health = get(gw, "GET", "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("unhealthy");
            });
            closing.get(20, TimeUnit.SECONDS);
            assertThat(sender.closed()).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void theDevelopmentCaIsServedAsPemWithoutAKey() throws Exception {
        TestGateway gw = gateway.get();

        HttpResponse<String> response = get(gw, "GET", "/relaysim/ca.pem");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-pem-file");
        assertThat(response.body()).isEqualTo(Files.readString(
                gw.server().certificateAuthority().caCertificatePem(), StandardCharsets.US_ASCII));
    }

    private static HttpResponse<String> get(TestGateway gw, String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + gw.addresses().managementPort() + path);
        HttpClient client = gw.httpClient();
        return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
