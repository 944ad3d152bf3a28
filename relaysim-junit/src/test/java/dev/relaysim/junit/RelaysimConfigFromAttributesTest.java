package dev.relaysim.junit;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Namespaces and hybrid connections from the annotation, used through the project's client library. */
@RelaysimTest(namespaces = {"orders-ns", "billing"}, hybridConnections = {
        @HybridConnection("orders"),
        @HybridConnection("orders/eu"),
        @HybridConnection(value = "invoices", namespace = "billing", requiresClientAuthorization = false)})
@Timeout(60)
class RelaysimConfigFromAttributesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theGatewayServesExactlyTheAnnotatedNamespacesAndHybridConnections(Relaysim relaysim) {
        assertThat(relaysim.defaultNamespace()).isEqualTo("orders-ns");
        assertThat(relaysim.config().namespaces()).extracting(namespace -> namespace.name())
                .containsExactly("orders-ns", "billing");
        assertThat(relaysim.config().namespace("orders-ns").orElseThrow().hybridConnections())
                .extracting(entity -> entity.name()).containsExactly("orders", "orders/eu");
        assertThat(relaysim.config().namespace("billing").orElseThrow().hybridConnection("invoices").orElseThrow()
                .requiresClientAuthorization()).isFalse();
        assertThat(relaysim.connectionString("billing", "invoices"))
                .startsWith("Endpoint=sb://billing.servicebus.windows.net:" + relaysim.tlsPort() + "/;");
    }

    @Test
    void aMessageCrossesTheDefaultNamespace(Relaysim relaysim) throws Exception {
        relayThrough(relaysim, relaysim.connectionString("orders"), null);
    }

    @Test
    void anotherNamespaceIsReachedByNameThroughTheDnsResponder(Relaysim relaysim) throws Exception {
        InetAddress client = InetAddress.getLoopbackAddress();
        relayThrough(relaysim, relaysim.connectionString("billing", "invoices"),
                new DnsHostResolver(relaysim.dnsAddress(), client));
    }

    private static void relayThrough(Relaysim relaysim, String connectionString, DnsHostResolver resolver)
            throws Exception {
        SslContext tls = SslContexts.forClient(relaysim.caCertificatePath());
        ConnectionString parsed = ConnectionString.parse(connectionString);
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .connectionString(parsed)
                .sslContext(tls)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send));
        if (resolver != null) {
            builder.resolver(resolver);
        }
        try (HybridConnectionListener listener = builder.build();
             HybridConnectionClient sender = HybridConnectionClient.builder().connectionString(parsed).sslContext(tls)
                     .resolver(resolver).build()) {
            listener.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RelayConnection connection = sender.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            connection.sendText("hello " + parsed.entityPath()).get();
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("hello " + parsed.entityPath());
            connection.close(1000, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
