package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.WebSocketHandshakeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Requests the gateway refuses before any upgrade, with the service's status codes and texts. */
@Timeout(60)
class GatewayRefusalIntegrationTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    private static final String SERVICE_TEXT = ".* TrackingId:[0-9a-f-]{36}_G\\d+, SystemTracker:.+, Timestamp:"
            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void senderWithoutListenerGets404() throws Exception {
        Response response = connect("/$hc/echo?sb-hc-action=connect", TestGateway.token(ENTITY));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.reason())
                .startsWith("There are no listeners connected for the endpoint. TrackingId:")
                .contains("SystemTracker:sandbox.servicebus.windows.net:echo")
                .matches(SERVICE_TEXT);
        assertThat(response.body()).isEqualTo(response.reason());
        assertThat(response.headers()).containsEntry("content-type", "text/plain; charset=utf-8");
    }

    @Test
    void wrongKeyGets401() throws Exception {
        String token = TestGateway.token(ENTITY, KEY_NAME, "not-the-key", Instant.now().plusSeconds(600));

        Response response = connect("/$hc/echo?sb-hc-action=listen", token);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.reason()).startsWith("The token has an invalid signature. TrackingId:");
    }

    @Test
    void expiredTokenGets401() throws Exception {
        String token = TestGateway.token(ENTITY, KEY_NAME, KEY, Instant.now().minusSeconds(60));

        Response response = connect("/$hc/echo?sb-hc-action=connect", token);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.reason()).contains("The token is expired. Expiration time:");
    }

    @Test
    void missingTokenGets401AndQueryTokenIsAccepted() throws Exception {
        assertThat(connect("/$hc/echo?sb-hc-action=connect", null).status()).isEqualTo(401);

        String query = "sb-hc-token=" + java.net.URLEncoder.encode(TestGateway.token(ENTITY),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        Response response = connect("/$hc/echo?sb-hc-action=connect&" + query, null);
        assertThat(response.status()).as(response.reason()).isEqualTo(404);
        assertThat(response.reason()).startsWith("There are no listeners connected");
    }

    @Test
    void unknownEntityGets404() throws Exception {
        Response response = connect("/$hc/nothing-here?sb-hc-action=connect", TestGateway.token("nothing-here"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.reason()).startsWith("Endpoint does not exist. TrackingId:")
                .contains("SystemTracker:sandbox.servicebus.windows.net:nothing-here");
    }

    @Test
    void unknownHostGets404AndNamespaceHostSelectsTheNamespace() throws Exception {
        String unknown = RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", "unknown.example.com",
                "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), unknown).status()).isEqualTo(404);

        String wrongAudience = RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", TestGateway.OTHER_HOST,
                "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), wrongAudience).status()).isEqualTo(403);

        String otherToken = SharedAccessSignature.createToken(
                SharedAccessSignature.audienceFor(TestGateway.OTHER_HOST, ENTITY), KEY_NAME, KEY,
                Instant.now().plusSeconds(600));
        String other = RawHttp.upgradeRequest("/$hc/echo?sb-hc-action=connect", TestGateway.OTHER_HOST,
                "ServiceBusAuthorization: " + otherToken);
        Response response = RawHttp.exchange(gateway.get().addresses().plainPort(), other);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.reason()).startsWith("There are no listeners connected")
                .contains("SystemTracker:contoso.servicebus.windows.net:echo");
    }

    @Test
    void listenWithSendOnlyKeyGets403() throws Exception {
        String token = TestGateway.token(ENTITY, TestGateway.SEND_KEY_NAME, TestGateway.SEND_KEY,
                Instant.now().plusSeconds(600));

        Response response = connect("/$hc/echo?sb-hc-action=listen", token);

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.reason()).startsWith("Unauthorized access. 'Listen' claim(s) are required to perform "
                + "this operation. Resource: 'sb://sandbox.servicebus.windows.net/echo'. TrackingId:");
    }

    @Test
    void anonymousSenderPassesOnAnOpenEntity() throws Exception {
        Response response = connect("/$hc/open?sb-hc-action=connect", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.reason()).startsWith("There are no listeners connected");
    }

    @Test
    void httpModeWithoutListenerAndAcceptOnFrontEndAreRefused() throws Exception {
        Response http = connect("/echo/some/path?x=1", TestGateway.token(ENTITY));
        assertThat(http.status()).isEqualTo(502);
        assertThat(http.body()).startsWith("{\"error\":{\"code\":\"BadGateway\",\"message\":\"There are no listeners");

        Response accept = connect("/$hc/echo?sb-hc-action=accept&sb-hc-id=x", null);
        assertThat(accept.status()).isEqualTo(404);
    }

    @Test
    void badRequestsGet400() throws Exception {
        Response badTarget = connect("/$hc/echo?sb-hc-action=dance", TestGateway.token(ENTITY));
        assertThat(badTarget.status()).isEqualTo(400);
        assertThat(badTarget.reason()).contains("dance");

        String notUpgrade = "GET /$hc/echo?sb-hc-action=connect HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), notUpgrade).status()).isEqualTo(400);

        String hugeHeader = RawHttp.upgradeRequest("/$hc/echo", "localhost", "X-Big: " + "a".repeat(40_000));
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), hugeHeader).status()).isEqualTo(431);
    }

    @Test
    void refusesTheTwentySixthListener() throws Exception {
        TestGateway gw = gateway.get();
        List<TestListener> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                listeners.add(TestListener.connect(gw.httpClient(), gw.listenUri(i % 2 == 0, ENTITY),
                        TestGateway.token(ENTITY), new TestListener.Mode.Echo()));
            }
            Throwable refused = catchThrowable(() -> WsPeer.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).join());
            assertThat(refused).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);

            Response response = connect("/$hc/echo?sb-hc-action=listen", TestGateway.token(ENTITY));
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.reason()).contains("MaximumListenersPerEndpoint: the hybrid connection already has 25 "
                    + "listeners");
        } finally {
            listeners.forEach(TestListener::close);
        }
    }

    private Response connect(String target, String token) throws Exception {
        int port = gateway.get().addresses().plainPort();
        String request = token == null
                ? RawHttp.upgradeRequest(target, "127.0.0.1:" + port)
                : RawHttp.upgradeRequest(target, "127.0.0.1:" + port, "ServiceBusAuthorization: " + token);
        return RawHttp.exchange(port, request);
    }
}
