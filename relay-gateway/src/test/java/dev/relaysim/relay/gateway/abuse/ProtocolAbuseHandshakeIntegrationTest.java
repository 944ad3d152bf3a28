package dev.relaysim.relay.gateway.abuse;

import dev.relaysim.relay.gateway.abuse.AbuseFixture.HealthyPair;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.relaysim.relay.gateway.abuse.AbuseFixture.ABUSED_ENTITY;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.SENDER_TARGET;
import static dev.relaysim.relay.gateway.abuse.AbuseFixture.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow handshakes (slowloris): a connection whose upgrade request is not complete within
 * {@code protocol.handshakeTimeout} (1 s here) is answered 408 if it sent anything, closed if it sent nothing; the
 * timer runs from the connection's start and is not reset by the bytes that trickle in; many such connections at
 * once delay nobody else.
 */
@Timeout(120)
class ProtocolAbuseHandshakeIntegrationTest {

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            Duration.ofSeconds(10), HANDSHAKE_TIMEOUT, 16 * 1024 * 1024, 25, Duration.ofSeconds(2))));

    /** Opened once the gateway runs ({@code @Order}: extension order is otherwise unspecified). */
    @RegisterExtension
    @Order(2)
    static final HealthyPair healthy = new HealthyPair(gateway);

    @Test
    void requestTrickledByteByByteIsCutWith408AtTheHandshakeTimeout() throws Exception {
        TestGateway gw = gateway.get();
        byte[] request = upgrade(gw, SENDER_TARGET).getBytes(StandardCharsets.ISO_8859_1);
        AtomicInteger sent = new AtomicInteger();
        try (Socket socket = new Socket("127.0.0.1", gw.addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            Thread trickler = new Thread(() -> trickle(socket, request, sent), "slowloris");
            trickler.setDaemon(true);
            trickler.start();
            Response response = RawHttp.read(socket.getInputStream());
            trickler.join(30_000);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.reason()).startsWith("The request did not arrive within the handshake timeout of 1000 "
                    + "ms. TrackingId:");
            // Each byte came well within the timeout of the one before: only an absolute deadline cuts this request.
            assertThat(sent.get()).as("bytes sent before the 408").isGreaterThan(0).isLessThan(request.length);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void connectionSendingNothingIsClosedAtTheHandshakeTimeout() throws Exception {
        TestGateway gw = gateway.get();
        try (Socket plain = new Socket("127.0.0.1", gw.addresses().plainPort());
             Socket tls = new Socket("127.0.0.1", gw.addresses().tlsPort())) {
            plain.setSoTimeout(30_000);
            tls.setSoTimeout(30_000);
            assertThat(plain.getInputStream().read()).as("plain front end").isEqualTo(-1);
            assertThat(tls.getInputStream().read()).as("TLS front end, no ClientHello").isEqualTo(-1);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void stalledTlsHandshakeIsClosedAtTheHandshakeTimeout() throws Exception {
        TestGateway gw = gateway.get();
        try (Socket socket = new Socket("127.0.0.1", gw.addresses().tlsPort())) {
            socket.setSoTimeout(30_000);
            // The first 5 bytes of a TLS record header announcing a ClientHello that never comes.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            socket.getOutputStream().flush();
            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
        healthy.assertUndisturbed();
    }

    @Test
    void tlsRequestTrickledAfterItsHandshakeIsCutWith408() throws Exception {
        TestGateway gw = gateway.get();
        try (SSLSocket socket = (SSLSocket) gw.sslContext().getSocketFactory().createSocket("localhost",
                gw.addresses().tlsPort())) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write("GET /$hc/".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Response response = RawHttp.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(408);
        }
        healthy.assertUndisturbed();
    }

    @Test
    void hundredSlowHandshakesAtOnceDoNotDelayOthers() throws Exception {
        TestGateway gw = gateway.get();
        double timeoutsBefore = AbuseFixture.refusals(gw, RefusalReason.TIMEOUT);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket socket = new Socket("127.0.0.1", gw.addresses().plainPort());
                slow.add(socket);
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("GET /$hc/" + ABUSED_ENTITY).getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
            // While they hang: the healthy pair relays, and a new listener and sender meet.
            healthy.assertRelays();
            try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ABUSED_ENTITY),
                    TestGateway.token(ABUSED_ENTITY), new TestListener.Mode.Echo())) {
                WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ABUSED_ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(ABUSED_ENTITY))).get(10, TimeUnit.SECONDS);
                sender.sendText("meanwhile").get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("meanwhile");
                sender.socket().abort();
            }
            for (Socket socket : slow) {
                assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(408);
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        assertThat(AbuseFixture.refusals(gw, RefusalReason.TIMEOUT) - timeoutsBefore).isEqualTo(100);
        healthy.assertUndisturbed();
    }

    /**
     * Writes {@code request} one byte at a time, 200 ms apart (the pace is the abuse, not a wait for a condition),
     * until it is sent, the gateway answers or the connection fails.
     */
    private static void trickle(Socket socket, byte[] request, AtomicInteger sent) {
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (byte b : request) {
                out.write(b);
                out.flush();
                sent.incrementAndGet();
                Thread.sleep(200);
                if (socket.isClosed() || in.available() > 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // the gateway closed the connection: the trickle ends here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
