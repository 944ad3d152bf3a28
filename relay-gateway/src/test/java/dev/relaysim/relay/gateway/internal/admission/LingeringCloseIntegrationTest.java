package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection refused while its client is still sending gets its status, not a reset, and is closed by the
 * gateway once the client closes or {@link LingeringClose#LINGER} has passed.
 */
@Timeout(60)
class LingeringCloseIntegrationTest {

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension();

    @Test
    void aClientStillSendingGetsItsStatusAndTheConnectionClosesAfterTheLinger() throws Exception {
        int baseline = gateway.get().server().context().channels().size();
        try (Socket socket = new Socket("127.0.0.1", gateway.get().addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "GET /$hc/echo HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + "h".repeat(40 * 1024) + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            // More bytes after the refusal: unread, they would make the kernel reset the connection on close.
            out.write(new byte[32 * 1024]);
            out.flush();
            InputStream in = socket.getInputStream();
            Response response = RawHttp.read(in);
            assertThat(response.status()).isEqualTo(431);
            // Still sending after the answer: discarded, and the connection is not reset.
            out.write(new byte[8 * 1024]);
            out.flush();
            assertThat(in.read()).as("the gateway half-closed after its answer").isEqualTo(-1);
            assertThat(gateway.get().server().context().channels().size()).as("still reading, discarding")
                    .isGreaterThan(baseline);
            // The client neither closes nor stops: the gateway closes once the linger has passed.
            await().atMost(LingeringClose.LINGER.plusSeconds(5)).untilAsserted(() ->
                    assertThat(gateway.get().server().context().channels().size()).isEqualTo(baseline));
        }
    }

    @Test
    void aClientThatClosesEndsTheLingerAtOnce() throws Exception {
        int baseline = gateway.get().server().context().channels().size();
        String request = RawHttp.upgradeRequest("/$hc/echo", "localhost", "X-Big: " + "a".repeat(40_000));
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), request).status()).isEqualTo(431);
        await().atMost(LingeringClose.LINGER.dividedBy(2)).untilAsserted(() ->
                assertThat(gateway.get().server().context().channels().size()).isEqualTo(baseline));
    }
}
