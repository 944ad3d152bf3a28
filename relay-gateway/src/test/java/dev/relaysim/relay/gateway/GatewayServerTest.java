package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start, bound addresses, the full rendezvous range and graceful shutdown. */
@Timeout(120)
class GatewayServerTest {

    @Test
    void bindsEphemeralFrontEndsAndTheConfiguredRendezvousPorts() {
        try (TestGateway gw = TestGateway.builder().start()) {
            GatewayAddresses addresses = gw.addresses();
            assertThat(addresses.tlsPort()).isPositive();
            assertThat(addresses.plainPort()).isPositive().isNotEqualTo(addresses.tlsPort());
            PortRange range = gw.config().listen().rendezvousPorts();
            assertThat(addresses.rendezvous()).hasSize(range.size())
                    .extracting(InetSocketAddress::getPort)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(range.first(), range.last())
                            .boxed().toList());
            assertThat(gw.server().certificateAuthority().truststore()).exists();
        }
    }

    @Test
    void servesTheFullRendezvousRange() throws Exception {
        // The full default range, on an address of its own: a running ./relaysim gateway holds it on 127.0.0.1.
        try (TestGateway gw = TestGateway.builder().rendezvousPorts(new PortRange(9400, 9599)).isolatedAddress()
                     .start();
             TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            assertThat(gw.addresses().rendezvous()).hasSize(200);
            assertThat(gw.addresses().rendezvous().get(199).getPort()).isEqualTo(9599);
            for (int i = 0; i < 3; i++) {
                WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(true, ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
                sender.sendText("through rendezvous " + i).get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("through rendezvous " + i);
                sender.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            }
            // Each I/O loop hands out its own ports in turn (RendezvousLoopIntegrationTest): three rendezvous, three
            // ports of the range.
            assertThat(listener.accepts()).extracting(accept -> URI.create(accept.address()).getPort())
                    .hasSize(3).doesNotHaveDuplicates().allMatch(port -> port >= 9400 && port <= 9599);
        }
    }

    /**
     * The default TLS port 9443 is g43's port: such a port is bound once and serves both roles. It is the only
     * rendezvous port here, so every rendezvous goes through it (with dedicated ports beside it, each I/O loop hands
     * out its own: RendezvousLoopIntegrationTest).
     */
    @Test
    void aFrontEndPortInsideTheRendezvousRangeServesBothRoles() throws Exception {
        PortRange range = new PortRange(9592, 9592);
        int sharedPort = range.port(0);
        try (TestGateway gw = TestGateway.builder().rendezvousPorts(range).tlsPort(sharedPort).isolatedAddress()
                .start()) {
            assertThat(gw.addresses().tlsPort()).isEqualTo(sharedPort);
            assertThat(gw.addresses().rendezvous().get(0).getPort()).isEqualTo(sharedPort);
            assertThat(gw.server().context().rendezvousPorts().loopOf(0)).isNull();
            for (boolean tls : new boolean[] {true, false}) {
                try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(tls, ENTITY),
                        TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
                    for (int i = 0; i < 4; i++) {
                        WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(tls, ENTITY),
                                Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
                        sender.sendText("message " + i).get(10, TimeUnit.SECONDS);
                        assertThat(sender.next().asText()).isEqualTo("message " + i);
                        sender.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                    }
                    assertThat(listener.accepts()).extracting(accept -> URI.create(accept.address()).getPort())
                            .containsExactly(sharedPort, sharedPort, sharedPort, sharedPort);
                }
            }
        }
    }

    @Test
    void runsWithoutTls() throws Exception {
        try (TestGateway gw = TestGateway.builder().tls(false).start();
             TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            assertThat(gw.addresses().tls()).isEmpty();
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("plain only").get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("plain only");
            assertThat(listener.accepts().get(0).address()).startsWith("ws://127.0.0.1:");
        }
    }

    @Test
    void closeSends1001ToControlChannelsAndIsIdempotent() throws Exception {
        TestGateway gw = TestGateway.builder().start();
        try (TestListener plain = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo());
             TestListener tls = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                     TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gw.httpClient(), gw.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);

            gw.close();
            gw.close();

            assertThat(plain.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
            assertThat(tls.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
            assertThat(sender.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
        }
    }

    @Test
    void failedStartReleasesWhatItBound(@TempDir Path dataDirectory) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            TestGateway.Builder builder = TestGateway.builder();
            GatewayServer server = new GatewayServer(builder.config(dataDirectory, new PortRange(port, port)));
            assertThatThrownBy(server::start).isInstanceOf(BindException.class)
                    .hasMessageContaining("rendezvous port of g0").hasMessageContaining(":" + port);
            server.close();
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aFrontEndPortAnotherGatewayServesFailsTheStart(@TempDir Path dataDirectory) throws Exception {
        try (TestGateway running = TestGateway.builder().start()) {
            int port = running.addresses().tlsPort();
            GatewayServer second = new GatewayServer(TestGateway.builder().tlsPort(port)
                    .config(dataDirectory, running.config().listen().rendezvousPorts()));
            assertThatThrownBy(second::start).isInstanceOf(BindException.class)
                    .hasMessageContaining("TLS front end").hasMessageContaining(":" + port);
            second.close();
            try (TestListener listener = TestListener.connect(running.httpClient(), running.listenUri(true, ENTITY),
                    TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
                WsPeer sender = WsPeer.connect(running.httpClient(), running.connectUri(true, ENTITY),
                        Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
                sender.sendText("still served").get(10, TimeUnit.SECONDS);
                assertThat(sender.next().asText()).isEqualTo("still served");
            }
        }
    }
}
