package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.RendezvousFaults;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rendezvous fault toggle through {@code PUT /relaysim/faults/rendezvous}: matching connections are reset at
 * once, others are served; the admin key is required and a bad body is 400.
 */
@Timeout(60)
class RendezvousFaultsIntegrationTest {

    private static final String ADMIN = "Bearer relaysim-dev-admin-key";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @AfterEach
    void unblock() {
        gateway.get().server().rendezvousFaults().set(RendezvousFaults.NONE);
    }

    @Test
    void blockedPortsResetConnectionsFromTheChosenSourcesOnly() throws Exception {
        PortRange all = gateway.get().config().listen().rendezvousPorts();
        String blocked = (all.first() + 1) + "-" + all.last();

        HttpResponse<String> put = put("{\"blockedRendezvousPorts\":[{\"ports\":\"" + blocked
                + "\",\"sources\":[\"127.0.0.0/16\"]}]}", ADMIN);

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(put.body())).isEqualTo(JSON.readTree("{\"blockedRendezvousPorts\":[{\"ports\":\""
                + blocked + "\",\"sources\":[\"127.0.0.0/16\"]}]}"));
        assertThat(JSON.readTree(get().body())).isEqualTo(JSON.readTree(put.body()));
        assertThat(served("127.0.0.1", all.first())).as("the first port is not in the blocked range").isTrue();
        assertThat(served("127.1.0.1", all.last())).as("127.1.0.1 is not in 127.0.0.0/16").isTrue();
        assertThatThrownBy(() -> served("127.0.0.1", all.last())).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> served("127.0.5.6", all.first() + 1)).isInstanceOf(SocketException.class);

        assertThat(put("{}", ADMIN).statusCode()).isEqualTo(200);
        assertThat(served("127.0.0.1", all.last())).as("unblocked by an empty setting").isTrue();
    }

    @Test
    void theAdminKeyIsRequiredAndBadBodiesAre400() throws Exception {
        assertThat(put("{}", null).statusCode()).isEqualTo(401);
        HttpResponse<String> outside = put(
                "{\"blockedRendezvousPorts\":[{\"ports\":\"1-2\",\"sources\":[\"0.0.0.0/0\"]}]}",
                ADMIN);
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(outside.body()).path("error").path("message").asText())
                .isEqualTo("The request content was invalid: body.blockedRendezvousPorts[0].ports: 1-2 (expected: "
                        + "inside"
                        + " the rendezvous ports " + gateway.get().config().listen().rendezvousPorts() + ").");
        HttpResponse<String> unknown = put("{\"blocked\":[]}", ADMIN);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).path("error").path("message").asText())
                .isEqualTo("The request content was invalid: body.blocked: unknown field (expected: "
                        + "blockedRendezvousPorts).");
        assertThat(gateway.get().server().rendezvousFaults().get()).isEqualTo(RendezvousFaults.NONE);
    }

    /** Sends a request line from {@code source} and reads the answer's first line; throws when the gateway resets. */
    private static boolean served(String source, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(8);
            if (head.length == 0) {
                throw new SocketException("closed without an answer");
            }
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1");
        }
    }

    private static HttpResponse<String> put(String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri()).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return gateway.get().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get() throws Exception {
        return gateway.get().httpClient().send(HttpRequest.newBuilder(uri()).header("Authorization", ADMIN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri() {
        return URI.create("http://127.0.0.1:" + gateway.get().addresses().managementPort()
                + RendezvousFaultsEndpoint.PATH);
    }
}
