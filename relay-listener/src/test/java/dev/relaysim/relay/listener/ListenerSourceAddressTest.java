package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The listener as a VM in a virtual network ({@code sourceAddress}): its control channel and its rendezvous
 * connections leave from that address, so a namespace reachable only through its private endpoint serves it.
 */
@Timeout(60)
class ListenerSourceAddressTest {

    private static final String ENTITY = "echo";
    private static final String CONTOSO_HOST = "contoso.servicebus.windows.net";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TestGateway gateway;
    private SslContext sslContext;
    private RelayWebSocketClient sender;

    @BeforeEach
    void start() throws Exception {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(TestGateway.KEY_NAME, TestGateway.KEY,
                TestGateway.SECONDARY_KEY, EnumSet.allOf(AccessRight.class));
        NamespaceConfig contoso = new NamespaceConfig("contoso", CONTOSO_HOST, List.of(root),
                List.of(new HybridConnectionConfig(ENTITY, true, List.of())), "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false),
                List.of(new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default",
                        (Inet4Address) InetAddress.getByName("127.10.0.4"), ConnectionStatus.APPROVED, "Auto-Approved",
                        false)));
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of());
        gateway = TestGateway.builder().namespaces(List.of(contoso), "contoso").virtualNetworks(List.of(vnet1))
                .start();
        sslContext = SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
        sender = new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), null,
                InetAddress.getByName("127.10.0.5"));
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aListenerInTheVnetListensAndAcceptsThroughThePrivateEndpoint() throws Exception {
        InetAddress vm = InetAddress.getByName("127.10.0.6");
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString())
                .sslContext(sslContext)
                .sourceAddress(vm)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);

            RelayConnection connection = sender.connect(URI.create("wss://127.10.0.4:"
                            + gateway.addresses().tlsPort() + "/$hc/echo?sb-hc-action=connect"),
                    new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                            SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(CONTOSO_HOST, ENTITY),
                                    TestGateway.KEY_NAME, TestGateway.KEY, Instant.now().plus(Duration.ofHours(1)))),
                    null, TIMEOUT).get(20, TimeUnit.SECONDS);
            connection.sendText("from the vnet").get();
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("from the vnet");
        }
    }

    @Test
    void aListenerOutsideTheVnetIsRefused401() {
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString())
                .sslContext(sslContext)
                .connectionHandler((accept, connection) -> { })
                .build()) {
            assertThatThrownBy(() -> listener.open().get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(RelayHandshakeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.body()).startsWith("Ip has been prevented to connect to the endpoint.");
                    });
        }
    }

    private ConnectionString connectionString() {
        return ConnectionString.parse("Endpoint=sb://127.10.0.4:" + gateway.addresses().tlsPort()
                + "/;SharedAccessKeyName=" + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY
                + ";EntityPath=" + ENTITY);
    }
}
