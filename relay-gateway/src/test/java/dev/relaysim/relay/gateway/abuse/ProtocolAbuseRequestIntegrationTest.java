package dev.relaysim.relay.gateway.abuse;

import dev.relaysim.relay.gateway.abuse.AbuseFixture.HealthyPair;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.relaysim.relay.gateway.abuse.AbuseFixture.LISTEN_TARGET;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.SENDER_TARGET;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.authorization;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP before any upgrade: oversized heads and bodies, malformed upgrades, bytes pipelined after the
 * upgrade request, the wrong protocol on a port, and a flood of senders with no listener. Each gets its status (or,
 * where no HTTP answer is possible, a closed connection), and a healthy pair opened before keeps relaying.
 */
@Timeout(120)
class ProtocolAbuseRequestIntegrationTest {

    private static final String SERVICE_TEXT = ".* TrackingId:[0-9a-f-]{36}_G\\d+, SystemTracker:.+, Timestamp:"
            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = new GatewayExtension();

    /** Opened once the gateway runs ({@code @Order}: extension order is otherwise unspecified). */
    @RegisterExtension
    @Order(2)
    static final HealthyPair healthy = new HealthyPair(gateway);

    @Test
    void requestLineOver16KiBGets414() throws Exception {
        Response response = exchange(upgrade(gateway.get(), SENDER_TARGET + "&pad=" + "a".repeat(17 * 1024)));
        assertThat(response.status()).isEqualTo(414);
        assertThat(response.reason()).startsWith("BadRequest: The request is not valid HTTP/1.1:")
                .matches(SERVICE_TEXT);
        healthy.assertUndisturbed();
    }

    @Test
    void headerBlockOver32KiBGets431() throws Exception {
        String[] headers = new String[40];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = "X-Filler-" + i + ": " + "b".repeat(1000);
        }
        Response response = exchange(upgrade(gateway.get(), SENDER_TARGET, headers));
        assertThat(response.status()).isEqualTo(431);
        assertThat(response.reason()).startsWith("BadRequest: The request is not valid HTTP/1.1:")
                .matches(SERVICE_TEXT);
        healthy.assertUndisturbed();
    }

    @Test
    void singleHeaderOver32KiBGets431OnFrontEndsAndRendezvousPorts() throws Exception {
        TestGateway gw = gateway.get();
        String request = upgrade(gw, SENDER_TARGET, "X-Huge: " + "c".repeat(33 * 1024));
        assertThat(exchange(request).status()).as("plain front end").isEqualTo(431);
        assertThat(RawHttp.exchangeTls(gw.sslContext(), gw.addresses().tlsPort(), request).status())
                .as("TLS front end").isEqualTo(431);
        int rendezvousPort = gw.addresses().rendezvous().get(0).getPort();
        assertThat(RawHttp.exchange(rendezvousPort, request).status()).as("rendezvous port").isEqualTo(431);
        healthy.assertUndisturbed();
    }

    @Test
    void httpModeRequestWithOversizedHeadGets414And431() throws Exception {
        String line = "GET /" + TestGateway.ENTITY + "/x?pad=" + "d".repeat(17 * 1024) + " HTTP/1.1\r\nHost: localhost"
                + "\r\n" + authorization() + "\r\n\r\n";
        assertThat(exchange(line).status()).isEqualTo(414);
        String header = "GET /" + TestGateway.ENTITY + "/x HTTP/1.1\r\nHost: localhost\r\nX-Huge: "
                + "e".repeat(33 * 1024)
                + "\r\n" + authorization() + "\r\n\r\n";
        assertThat(exchange(header).status()).isEqualTo(431);
        healthy.assertUndisturbed();
    }

    @Test
    void upgradeRequestWithABodyOver64KiBGets413() throws Exception {
        int length = 64 * 1024 + 1;
        Response response = exchange(upgrade(gateway.get(), SENDER_TARGET, "Content-Length: " + length)
                + "f".repeat(length));
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.reason()).startsWith("The request body is larger than 65536 bytes.");
        healthy.assertUndisturbed();
    }

    @Test
    void upgradeOverHttp10Gets400() throws Exception {
        String request = upgrade(gateway.get(), SENDER_TARGET).replaceFirst(" HTTP/1.1\r\n", " HTTP/1.0\r\n");
        Response response = exchange(request);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.reason()).startsWith("BadRequest: HTTP/1.0 (expected: HTTP/1.1").matches(SERVICE_TEXT);
        healthy.assertUndisturbed();
    }

    @Test
    void upgradeWithoutSecWebSocketKeyGets400() throws Exception {
        String request = upgrade(gateway.get(), LISTEN_TARGET)
                .replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                "");
        Response response = exchange(request);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.reason()).startsWith("BadRequest: no Sec-WebSocket-Key header");
        healthy.assertUndisturbed();
    }

    @Test
    void unsupportedWebSocketVersionGets426NamingVersion13() throws Exception {
        String request = upgrade(gateway.get(), LISTEN_TARGET).replace("Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Version: 8");
        Response response = exchange(request);
        assertThat(response.status()).isEqualTo(426);
        assertThat(response.headers()).containsEntry("sec-websocket-version", "13");
        assertThat(response.reason()).startsWith("BadRequest: Sec-WebSocket-Version: 8 (expected: 13)");
        healthy.assertUndisturbed();
    }

    @Test
    void bytesPipelinedAfterAListenRequestEndTheConnectionWithoutAListener() throws Exception {
        // A client may send nothing before its 101 (RFC 6455, 4.1): the gateway closes the connection, and no
        // listener is left registered for it.
        TestGateway gw = gateway.get();
        try (Socket socket = new Socket("127.0.0.1", gw.addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((upgrade(gw, LISTEN_TARGET) + "GARBAGE / HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            readToEnd(socket.getInputStream());
        }
        Response sender = exchange(upgrade(gateway.get(), SENDER_TARGET));
        assertThat(sender.status()).isEqualTo(404);
        assertThat(sender.reason()).startsWith("There are no listeners connected for the endpoint.");
        healthy.assertUndisturbed();
    }

    @Test
    void bytesPipelinedAfterAConnectRequestEndTheHeldSender() throws Exception {
        // A sender may send nothing before its 101; one that does is dropped, before any listener hears of it.
        TestGateway gw = gateway.get();
        try (Socket socket = new Socket("127.0.0.1", gw.addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            // To the healthy listener's entity, so that the sender is held and the listener gets an accept.
            String connect = RawHttp.upgradeRequest("/$hc/" + TestGateway.ENTITY + "?sb-hc-action=connect",
                    "127.0.0.1", "ServiceBusAuthorization: " + TestGateway.token(TestGateway.ENTITY));
            socket.getOutputStream().write((connect + "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.reason()).startsWith("BadRequest: The client sent data before its WebSocket upgrade "
                    + "completed. TrackingId:").matches(SERVICE_TEXT);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void tlsClientHelloOnThePlainPortGets400() throws Exception {
        byte[] clientHello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03, '\r', '\n', '\r', '\n'};
        try (Socket socket = new Socket("127.0.0.1", gateway.get().addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(clientHello);
            Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(400);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void plainHttpOnTheTlsPortIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.get().addresses().tlsPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(upgrade(gateway.get(), SENDER_TARGET).getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = readToEnd(socket.getInputStream());
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 101");
        }
        healthy.assertUndisturbed();
    }

    @Test
    void plainHttpOnATlsRendezvousPortIsServedAsPlain() throws Exception {
        // Rendezvous ports detect TLS from the first bytes: plain HTTP is answered, here with the accept's 403.
        TestGateway gw = gateway.get();
        int rendezvousPort = gw.addresses().rendezvous().get(0).getPort();
        Response response = RawHttp.exchange(rendezvousPort, RawHttp.upgradeRequest("/$hc/" + TestGateway.ENTITY
                + "?sb-hc-action=accept&sb-hc-id=00000000-0000-0000-0000-000000000000_G0", "127.0.0.1"));
        assertThat(response.status()).isEqualTo(403);
        healthy.assertUndisturbed();
    }

    @Test
    void threeHundredParallelSendersWithoutListenerEachGet404() throws Exception {
        TestGateway gw = gateway.get();
        String request = upgrade(gw, SENDER_TARGET);
        double refusedBefore = AbuseFixture.refusals(gw, RefusalReason.NO_LISTENER);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = new Socket("127.0.0.1", gw.addresses().plainPort());
                sockets.add(socket);
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            }
            healthy.assertRelays();
            for (Socket socket : sockets) {
                Response response = RawHttp.read(socket.getInputStream());
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.reason())
                        .startsWith("There are no listeners connected for the endpoint. TrackingId:")
                        .contains("SystemTracker:sandbox.servicebus.windows.net:" + AbuseFixture.ABUSED_ENTITY)
                        .matches(SERVICE_TEXT);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertThat(AbuseFixture.refusals(gw, RefusalReason.NO_LISTENER) - refusedBefore).isEqualTo(300);
        healthy.assertUndisturbed();
    }

    private static Response exchange(String request) throws IOException {
        return RawHttp.exchange(gateway.get().addresses().plainPort(), request);
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            return new byte[0];
        }
    }
}
