package dev.relaysim.junit;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A configuration file on the class path (src/test/resources/relaysim/private-link.json): namespace contoso reachable
 * only through its private endpoint 127.77.0.4 in test-vnet (127.77.0.0/16). A listener and a sender acting as a VM
 * at 127.77.0.5 find the endpoint through the gateway's DNS responder and relay; the test then rejects the endpoint
 * connection through the management API and the running stream closes. Each test gets a fresh gateway, so that a
 * rejection does not outlive its test.
 */
@RelaysimTest(config = "relaysim/private-link.json", lifecycle = RelaysimTest.Lifecycle.PER_METHOD)
@Timeout(60)
class RelaysimConfigFromResourceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theFileDeclaresTheNamespacesAndTheAddressAvoidsItsVirtualNetwork(Relaysim relaysim) {
        assertThat(relaysim.config().namespaces()).extracting(namespace -> namespace.name())
                .containsExactly("sandbox", "contoso");
        assertThat(relaysim.address().getAddress()[1]).isNotEqualTo((byte) 77);
        assertThat(relaysim.management().privateEndpointConnectionStatus("contoso", "contoso-pe"))
                .isEqualTo("Approved");
    }

    @Test
    void rejectingThePrivateEndpointMidTestClosesTheRunningStream(Relaysim relaysim) throws Exception {
        InetAddress vm = InetAddress.getByName("127.77.0.5");
        DnsHostResolver resolver = new DnsHostResolver(relaysim.dnsAddress(), vm);
        ConnectionString connectionString = ConnectionString.parse(relaysim.connectionString("contoso", "orders"));
        SslContext tls = SslContexts.forClient(relaysim.caCertificatePath());
        CompletableFuture<RelayConnection> listenerSide = new CompletableFuture<>();
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString)
                .sslContext(tls)
                .sourceAddress(vm)
                .resolver(resolver)
                .connectionHandler((accept, connection) -> listenerSide.complete(connection))
                .build();
             HybridConnectionClient sender = HybridConnectionClient.builder().connectionString(connectionString)
                     .sslContext(tls).sourceAddress(vm).resolver(resolver).build()) {
            listener.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RelayConnection connection = sender.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(connection.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.77.0.4");
            connection.sendText("through contoso-pe").get();
            assertThat(listenerSide.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).receive(TIMEOUT).asText())
                    .isEqualTo("through contoso-pe");

            relaysim.management().rejectPrivateEndpointConnection("contoso", "contoso-pe");

            RelayCloseStatus closed = connection.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(relaysim.management().privateEndpointConnectionStatus("contoso", "contoso-pe"))
                    .isEqualTo("Rejected");
            assertThatThrownBy(() -> sender.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("401");
        }
    }
}
