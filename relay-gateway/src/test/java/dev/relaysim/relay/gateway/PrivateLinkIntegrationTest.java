package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.testing.RawHttp.Response;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static dev.relaysim.relay.gateway.testing.TestGateway.SECONDARY_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Private Link scenario on loopback, from config alone: namespace {@code contoso} with public access Disabled
 * and endpoint {@code contoso-pe} at 127.10.0.4 in {@code vnet1} (127.10.0.0/16); {@code fabrikam} public with
 * defaultAction Deny and one IP rule (the default namespace, for clients addressing 127.0.0.1); {@code northwind}
 * public, Deny, trusted services allowed. Clients act as
 * machines by binding source addresses (127.0.0.0/8 is all loopback on Linux).
 */
@Timeout(60)
class PrivateLinkIntegrationTest {

    private static final String ENTITY = "echo";
    private static final String CONTOSO_HOST = "contoso.servicebus.windows.net";
    private static final String FABRIKAM_HOST = "fabrikam.servicebus.windows.net";
    private static final String NORTHWIND_HOST = "northwind.servicebus.windows.net";
    private static final String TRUSTED_KEY_NAME = "EventGridTrusted";
    private static final String TRUSTED_KEY = "dHJ1c3RlZC1zZXJ2aWNlLWtleS1mb3ItdGVzdHM=";
    private static final Inet4Address ENDPOINT = address("127.10.0.4");
    private static final Inet4Address VM = address("127.10.0.5");
    private static final Inet4Address OUTSIDE = address("127.12.0.9");
    private static final Inet4Address PUBLIC = address("127.0.0.1");
    private static final Inet4Address ALLOWED_OFFICE = address("127.13.0.7");
    private static final Inet4Address OTHER_OFFICE = address("127.14.0.7");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestGateway gateway;
    private SslContext sslContext;
    private final List<RelayWebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(KEY_NAME, KEY, SECONDARY_KEY,
                EnumSet.allOf(AccessRight.class));
        AuthorizationRuleConfig trusted = new AuthorizationRuleConfig(TRUSTED_KEY_NAME, TRUSTED_KEY, TRUSTED_KEY,
                EnumSet.of(AccessRight.LISTEN, AccessRight.SEND), true);
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig(ENTITY, true, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(root), echo);
        NamespaceConfig contoso = new NamespaceConfig("contoso", CONTOSO_HOST, List.of(root), echo, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false),
                List.of(new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default", ENDPOINT,
                        ConnectionStatus.APPROVED, "Auto-Approved", false)));
        NamespaceConfig fabrikam = new NamespaceConfig("fabrikam", FABRIKAM_HOST, List.of(root), echo, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                        List.of(Ipv4Prefix.parse("127.13.0.0/24")), false), List.of());
        NamespaceConfig northwind = new NamespaceConfig("northwind", NORTHWIND_HOST, List.of(root, trusted), echo,
                "northeurope", new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY, List.of(), true),
                List.of());
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of());
        gateway = TestGateway.builder()
                .namespaces(List.of(sandbox, contoso, fabrikam, northwind), "fabrikam")
                .virtualNetworks(List.of(vnet1))
                .start();
        sslContext = SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
    }

    @AfterEach
    void stop() {
        clients.forEach(RelayWebSocketClient::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void listenerAndSenderInTheVnetRelayThroughThePrivateEndpoint() throws Exception {
        assertThat(gateway.server().privateEndpointAddresses()).containsKey(ENDPOINT);
        RelayWebSocketClient vm = client(VM);
        RelayConnection control = listen(vm, tlsUri(ENDPOINT));
        assertThat(control.localAddress().getAddress()).isEqualTo(VM);

        Relayed relayed = connectAndAccept(vm, control, tlsUri(ENDPOINT));

        assertThat(relayed.accept().address()).startsWith("wss://127.10.0.4:");
        relayed.sender().sendText("hello through contoso-pe").get();
        assertThat(relayed.listener().receive(TIMEOUT).asText()).isEqualTo("hello through contoso-pe");
        relayed.listener().sendText("echo").get();
        assertThat(relayed.sender().receive(TIMEOUT).asText()).isEqualTo("echo");
    }

    @Test
    void thePublicFrontEndRefusesContosoListenersSendersAndRendezvous() throws Exception {
        int plain = gateway.addresses().plainPort();
        Response listen = raw(PUBLIC, PUBLIC, plain, "/$hc/echo?sb-hc-action=listen", CONTOSO_HOST);
        Response send = raw(PUBLIC, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", CONTOSO_HOST);
        assertIpRefusal(listen);
        assertIpRefusal(send);

        RelayWebSocketClient vm = client(VM);
        RelayConnection control = listen(vm, plainUri(ENDPOINT));
        RelayWebSocketClient senderVm = client(VM);
        var sender = senderVm.connect(plainUri(ENDPOINT, "connect"), authorization(CONTOSO_HOST), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        URI address = URI.create(accept.address());
        Response rendezvous = raw(PUBLIC, PUBLIC, address.getPort(), address.getRawPath() + '?'
                + address.getRawQuery(), "127.0.0.1:" + address.getPort());
        assertIpRefusal(rendezvous);

        // The refused attempt left the rendezvous waiting: the listener in the VNet still completes it.
        RelayConnection listenerSide = vm.connect(address, new DefaultHttpHeaders(), null, TIMEOUT).get();
        RelayConnection senderSide = sender.get();
        senderSide.sendText("still works").get();
        assertThat(listenerSide.receive(TIMEOUT).asText()).isEqualTo("still works");
    }

    @Test
    void httpModeRequestsAreJudgedToo() throws Exception {
        int plain = gateway.addresses().plainPort();
        String token = HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + SharedAccessSignature.createToken(
                SharedAccessSignature.audienceFor(CONTOSO_HOST, ENTITY), KEY_NAME, KEY,
                Instant.now().plus(Duration.ofHours(1)));
        assertIpRefusal(request(PUBLIC, PUBLIC, plain, "GET /echo HTTP/1.1\r\nHost: " + CONTOSO_HOST + "\r\n" + token
                + "\r\n\r\n"));
        assertThat(request(VM, ENDPOINT, plain, "GET /echo HTTP/1.1\r\nHost: 127.10.0.4\r\n" + token
                + "\r\n\r\n").status()).isEqualTo(502); // admitted: no listener
    }

    @Test
    void theEndpointRefusesSourcesOutsideItsVnet() throws Exception {
        int plain = gateway.addresses().plainPort();
        assertIpRefusal(raw(OUTSIDE, ENDPOINT, plain, "/$hc/echo?sb-hc-action=listen", "127.10.0.4"));
        assertIpRefusal(raw(PUBLIC, ENDPOINT, plain, "/$hc/echo?sb-hc-action=connect", CONTOSO_HOST));
        // Through contoso's endpoint no other namespace is reached.
        assertIpRefusal(raw(VM, ENDPOINT, plain, "/$hc/echo?sb-hc-action=listen", TestGateway.HOST));
    }

    @Test
    void anIpRuleAdmitsOneSourceAndNotAnother() throws Exception {
        int plain = gateway.addresses().plainPort();
        assertThat(raw(ALLOWED_OFFICE, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", FABRIKAM_HOST).status())
                .isEqualTo(404); // past the network rules: no listener
        assertIpRefusal(raw(OTHER_OFFICE, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", FABRIKAM_HOST));
    }

    @Test
    void pendingRejectedAndDisconnectedEndpointsRefuseAndApprovalAdmitsAtOnce() throws Exception {
        int plain = gateway.addresses().plainPort();
        for (ConnectionStatus status : List.of(ConnectionStatus.PENDING, ConnectionStatus.REJECTED,
                ConnectionStatus.DISCONNECTED)) {
            setEndpointStatus(status);
            assertIpRefusal(raw(VM, ENDPOINT, plain, "/$hc/echo?sb-hc-action=connect", "127.10.0.4"));
        }
        setEndpointStatus(ConnectionStatus.APPROVED);
        assertThat(raw(VM, ENDPOINT, plain, "/$hc/echo?sb-hc-action=connect", "127.10.0.4").status())
                .isEqualTo(404); // admitted: no listener
    }

    @Test
    void rejectingTheEndpointClosesARunningStreamAndTheControlChannelWith1008() throws Exception {
        RelayWebSocketClient vm = client(VM);
        RelayConnection control = listen(vm, tlsUri(ENDPOINT));
        Relayed relayed = connectAndAccept(vm, control, tlsUri(ENDPOINT));
        relayed.sender().sendText("before").get();
        assertThat(relayed.listener().receive(TIMEOUT).asText()).isEqualTo("before");

        setEndpointStatus(ConnectionStatus.REJECTED);

        RelayCloseStatus expected = new RelayCloseStatus(1008, NetworkGuard.ENDPOINT_REJECTED);
        assertThat(relayed.sender().closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(relayed.listener().closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(control.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    }

    @Test
    void removingAnIpRuleClosesTheControlChannelItAdmitted() throws Exception {
        RelayConnection control = listen(client(ALLOWED_OFFICE), URI.create("ws://127.0.0.1:"
                + gateway.addresses().plainPort() + "/$hc/echo?sb-hc-action=listen"), FABRIKAM_HOST);

        gateway.server().networkState().update(model -> model.withNamespace("fabrikam", namespace ->
                new NamespaceNetwork("fabrikam", new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                        List.of(), false), List.of())));

        RelayCloseStatus closed = control.closeFuture().get(10, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("no IP rule matched 127.13.0.7 and defaultAction is Deny");
    }

    @Test
    void disablingPublicAccessClosesPublicControlChannels() throws Exception {
        RelayConnection control = listen(client(ALLOWED_OFFICE), URI.create("ws://127.0.0.1:"
                + gateway.addresses().plainPort() + "/$hc/echo?sb-hc-action=listen"), FABRIKAM_HOST);

        gateway.server().networkState().update(model -> model.withNamespace("fabrikam", namespace ->
                new NamespaceNetwork("fabrikam", new NetworkRuleSet(PublicNetworkAccess.DISABLED,
                        DefaultAction.DENY, namespace.ruleSet().ipRules(), false), List.of())));

        assertThat(control.closeFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(new RelayCloseStatus(1008, NetworkGuard.PUBLIC_ACCESS_DISABLED));
    }

    @Test
    void anEndpointAddedLiveIsBoundServedOverTlsAndUnboundWhenRemoved() throws Exception {
        NetworkState state = gateway.server().networkState();
        Inet4Address allocated = state.current().allocateAddress("vnet1", "default");
        assertThat(allocated).isEqualTo(address("127.10.0.5"));
        state.update(model -> model.withNamespace("contoso", namespace -> new NamespaceNetwork("contoso",
                namespace.ruleSet(), List.of(namespace.privateEndpoints().get(0), new PrivateEndpoint("contoso-pe2",
                "westeurope", "vnet1", "default", allocated, ConnectionStatus.APPROVED, "Auto-Approved", false)))));
        assertThat(gateway.server().privateEndpointAddresses()).containsKey(allocated);

        RelayWebSocketClient vm = client(address("127.10.0.6"));
        RelayConnection control = listen(vm, tlsUri(allocated));
        Relayed relayed = connectAndAccept(vm, control, tlsUri(allocated));
        assertThat(relayed.accept().address()).startsWith("wss://127.10.0.5:");
        relayed.sender().sendText("via the new endpoint").get();
        assertThat(relayed.listener().receive(TIMEOUT).asText()).isEqualTo("via the new endpoint");

        state.update(model -> model.withNamespace("contoso", namespace -> new NamespaceNetwork("contoso",
                namespace.ruleSet(), List.of(namespace.privateEndpoints().get(0)))));

        assertThat(relayed.sender().closeFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(new RelayCloseStatus(1008, NetworkGuard.ENDPOINT_REMOVED));
        assertThat(gateway.server().privateEndpointAddresses()).doesNotContainKey(allocated);
        assertThatThrownBy(() -> new Socket(allocated, gateway.addresses().tlsPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aFurtherPublicFrontEndJudgesWhatArrivesAsPublicTrafficAndItsAcceptAddressesNameIt() throws Exception {
        Inet4Address frontEnd = address("127.10.0.1"); // vnet1's default gateway address, as gateway --netns uses it
        gateway.server().bindPublicFrontEnds(List.of(frontEnd));
        int plain = gateway.addresses().plainPort();

        assertIpRefusal(raw(VM, frontEnd, plain, "/$hc/echo?sb-hc-action=connect", CONTOSO_HOST));
        assertIpRefusal(raw(OTHER_OFFICE, frontEnd, plain, "/$hc/echo?sb-hc-action=connect", FABRIKAM_HOST));

        // fabrikam's IP rule admits the office there, over TLS with the certificate reissued for the address.
        RelayWebSocketClient office = client(ALLOWED_OFFICE);
        URI connect = tlsUri(frontEnd);
        RelayConnection control = listen(office, URI.create(connect.toString().replace("=connect", "=listen")),
                FABRIKAM_HOST);
        Relayed relayed = connectAndAccept(office, control, connect, FABRIKAM_HOST);

        assertThat(relayed.accept().address()).startsWith("wss://127.10.0.1:");
        relayed.sender().sendText("through the public front end").get();
        assertThat(relayed.listener().receive(TIMEOUT).asText()).isEqualTo("through the public front end");
    }

    @Test
    void trustedServicesPassTheirRulesAndNoOneElseDoes() throws Exception {
        int plain = gateway.addresses().plainPort();
        String ordinary = SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(NORTHWIND_HOST, ENTITY),
                KEY_NAME, KEY, Instant.now().plus(Duration.ofHours(1)));
        String trustedToken = SharedAccessSignature.createToken(
                SharedAccessSignature.audienceFor(NORTHWIND_HOST, ENTITY), TRUSTED_KEY_NAME, TRUSTED_KEY,
                Instant.now().plus(Duration.ofHours(1)));
        assertIpRefusal(raw(PUBLIC, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", NORTHWIND_HOST,
                HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + ordinary));
        assertIpRefusal(raw(PUBLIC, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", NORTHWIND_HOST,
                new String[0]));
        assertThat(raw(PUBLIC, PUBLIC, plain, "/$hc/echo?sb-hc-action=connect", NORTHWIND_HOST,
                HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + trustedToken).status())
                .isEqualTo(404); // a trusted service is past the network rules: no listener
    }

    private record Relayed(AcceptCommand accept, RelayConnection sender, RelayConnection listener) {
    }

    private RelayWebSocketClient client(InetAddress source) {
        RelayWebSocketClient client = new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), null, source);
        clients.add(client);
        return client;
    }

    private RelayConnection listen(RelayWebSocketClient client, URI connectUri) throws Exception {
        URI listenUri = URI.create(connectUri.toString().replace("sb-hc-action=connect", "sb-hc-action=listen"));
        return listen(client, listenUri, CONTOSO_HOST);
    }

    private RelayConnection listen(RelayWebSocketClient client, URI listenUri, String namespaceHost) throws Exception {
        return client.connect(listenUri, authorization(namespaceHost), null, TIMEOUT).get();
    }

    /** A sender from the same machine connects; the listener accepts on the address it got. */
    private Relayed connectAndAccept(RelayWebSocketClient client, RelayConnection control, URI connectUri)
            throws Exception {
        return connectAndAccept(client, control, connectUri, CONTOSO_HOST);
    }

    /** The same, with a token for the namespace of {@code namespaceHost}. */
    private Relayed connectAndAccept(RelayWebSocketClient client, RelayConnection control, URI connectUri,
                                     String namespaceHost) throws Exception {
        var sender = client.connect(connectUri, authorization(namespaceHost), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        RelayConnection listenerSide = client.connect(URI.create(accept.address()), new DefaultHttpHeaders(), null,
                TIMEOUT).get();
        return new Relayed(accept, sender.get(), listenerSide);
    }

    private static HttpHeaders authorization(String namespaceHost) {
        return new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(namespaceHost, ENTITY), KEY_NAME,
                        KEY, Instant.now().plus(Duration.ofHours(1))));
    }

    /** Addresses the endpoint by its IP, as a connection string {@code Endpoint=sb://127.10.0.4:9443/} does. */
    private URI tlsUri(InetAddress endpoint) {
        return URI.create("wss://" + endpoint.getHostAddress() + ':' + gateway.addresses().tlsPort()
                + "/$hc/echo?sb-hc-action=connect");
    }

    private URI plainUri(InetAddress endpoint) {
        return plainUri(endpoint, "listen");
    }

    private URI plainUri(InetAddress endpoint, String action) {
        return URI.create("ws://" + endpoint.getHostAddress() + ':' + gateway.addresses().plainPort()
                + "/$hc/echo?sb-hc-action=" + action);
    }

    private void setEndpointStatus(ConnectionStatus status) {
        UnaryOperator<NamespaceNetwork> change = namespace -> new NamespaceNetwork("contoso", namespace.ruleSet(),
                List.of(namespace.privateEndpoints().get(0).withStatus(status, "test")));
        gateway.server().networkState().update(model -> model.withNamespace("contoso", change));
    }

    /** An upgrade request with a contoso token from {@code source} to {@code destination}:{@code port}. */
    private static Response raw(InetAddress source, InetAddress destination, int port, String target, String host)
            throws IOException {
        return raw(source, destination, port, target, host, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION
                + ": " + SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(host.contains(":")
                ? host.substring(0, host.indexOf(':')) : host, ENTITY), KEY_NAME, KEY,
                Instant.now().plus(Duration.ofHours(1))));
    }

    private static Response raw(InetAddress source, InetAddress destination, int port, String target, String host,
                                String... headers) throws IOException {
        return request(source, destination, port, RawHttp.upgradeRequest(target, host, headers));
    }

    private static Response request(InetAddress source, InetAddress destination, int port, String request)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(destination, port), 10_000);
            return RawHttp.exchange(socket, request);
        }
    }

    private static void assertIpRefusal(Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.body()).startsWith(NetworkGuard.IP_REFUSED + ' ' + NetworkGuard.IP_REFUSED_LINKS
                + " TrackingId:").contains(", SystemTracker:").contains(", Timestamp:");
        assertThat(response.reason()).startsWith(NetworkGuard.IP_REFUSED);
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
