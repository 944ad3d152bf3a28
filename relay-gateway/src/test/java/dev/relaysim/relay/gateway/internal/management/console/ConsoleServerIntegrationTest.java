package dev.relaysim.relay.gateway.internal.management.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import dev.relaysim.relay.gateway.internal.management.SecurityHeaders;
import dev.relaysim.relay.gateway.internal.management.CrossOriginGuard;

/** The console's routes and protections on a real management server (port 0). */
@Timeout(60)
class ConsoleServerIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BEARER = "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY;

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void theConsoleIsServedWithItsSecurityHeaders() throws Exception {
        HttpResponse<String> index = send("GET", "/", null);

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>");
        assertThat(index.headers().firstValue("content-security-policy"))
                .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(index.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(index.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(send("GET", "/console/app.js", null).headers().firstValue("content-type"))
                .hasValue("text/javascript; charset=utf-8");
        // The API's answers too, errors included; keys must not be cached.
        HttpResponse<String> unauthorized = send("GET", TrafficHistory.PATH, null);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("content-security-policy")).isPresent();
        assertThat(unauthorized.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void statsNeedTheAdminKeyAndAnswerSamples() throws Exception {
        HttpResponse<String> stats = send("GET", TrafficHistory.PATH, null, "Authorization", BEARER);

        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(stats.body());
        assertThat(body.path("intervalSeconds").asInt()).isEqualTo(5);
        assertThat(body.path("samples")).isNotEmpty();
        assertThat(body.at("/samples/0").has("relayedBytes")).isTrue();
    }

    @Test
    void aCrossOriginRequestIsRefusedEvenWithTheAdminKeyAndChangesNothing() throws Exception {
        String path = ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE + "/networkRuleSets/default"
                + "?api-version=2021-11-01";
        HttpResponse<String> refused = send("PUT", path,
                "{\"properties\": {\"publicNetworkAccess\": \"Disabled\"}}", "Authorization", BEARER,
                "Origin", "http://attacker.example", "Sec-Fetch-Site", "cross-site");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).at("/error/code").asText())
                .isEqualTo(CrossOriginGuard.REFUSAL_CODE);
        assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();
        JsonNode rules = JSON.readTree(send("GET", path, null, "Authorization", BEARER).body());
        assertThat(rules.at("/properties/publicNetworkAccess").asText()).isEqualTo("Enabled");
        // The public endpoints stay readable from anywhere.
        assertThat(send("GET", "/health", null, "Origin", "http://attacker.example",
                "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.get().addresses().managementPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
