package dev.relaysim.relay.gateway.internal.dns;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The responder inside a running gateway, over real sockets: dnsjava's resolver from a bound VNet address and from
 * 127.0.0.1, UDP and TCP, the fault toggles through the management API, a flood of random and malformed packets, and
 * {@code dig} when it is installed. Scenario: contoso (public access Disabled) with contoso-pe at 127.10.0.4 in vnet1
 * (127.10.0.0/16); sandbox without endpoints.
 */
@Timeout(60)
class DnsServerIntegrationTest {

    private static final String CONTOSO = "contoso.servicebus.windows.net.";
    private static final Inet4Address VM = address("127.10.0.5");
    private static final Inet4Address VM_ENDPOINT = address("127.10.0.4");
    private static final String CNAME_LINE = CONTOSO + "\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.";
    private static final String PRIVATE_LINE = "contoso.privatelink.servicebus.windows.net.\t10\tIN\tA\t127.10.0.4";
    private static final String CLUSTER_LINE = "contoso.privatelink.servicebus.windows.net.\t60\tIN\tCNAME\t"
            + "ns-relaysim-prod.cloudapp.servicebus.windows.net.";
    private static final String PUBLIC_LINE = "ns-relaysim-prod.cloudapp.servicebus.windows.net.\t60\tIN\tA\t127.0.0.1";

    private TestGateway gateway;
    private int port;

    @BeforeEach
    void start() {
        AuthorizationRuleConfig root = new AuthorizationRuleConfig(TestGateway.KEY_NAME, TestGateway.KEY,
                TestGateway.SECONDARY_KEY, EnumSet.allOf(AccessRight.class));
        List<HybridConnectionConfig> echo = List.of(new HybridConnectionConfig(TestGateway.ENTITY, true, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST, List.of(root), echo);
        NamespaceConfig contoso = new NamespaceConfig("contoso", "contoso.servicebus.windows.net", List.of(root), echo,
                "westeurope", new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false),
                List.of(new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default", VM_ENDPOINT,
                        ConnectionStatus.APPROVED, "Auto-Approved", false)));
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of());
        gateway = TestGateway.builder()
                .namespaces(List.of(sandbox, contoso), TestGateway.NAMESPACE)
                .virtualNetworks(List.of(vnet1))
                .dns(true)
                .start();
        port = gateway.addresses().dnsPort();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aVnetClientGetsThePrivateChainOverUdpAndTcp() throws IOException {
        for (boolean tcp : new boolean[] {false, true}) {
            Message response = query(CONTOSO, Type.A, VM, tcp);
            assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(lines(response, Section.ANSWER)).as("tcp %s", tcp).containsExactly(CNAME_LINE, PRIVATE_LINE);
        }
    }

    @Test
    void anOutsideClientGetsThePublicChainOverUdpAndTcp() throws IOException {
        for (boolean tcp : new boolean[] {false, true}) {
            assertThat(lines(query(CONTOSO, Type.A, address("127.0.0.1"), tcp), Section.ANSWER)).as("tcp %s", tcp)
                    .containsExactly(CNAME_LINE, CLUSTER_LINE, PUBLIC_LINE);
        }
    }

    @Test
    void nxdomainAndRefusedOverTheWire() throws IOException {
        Message missing = query("nosuchns.servicebus.windows.net.", Type.A, VM, false);
        assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(missing.getSection(Section.AUTHORITY)).singleElement()
                .satisfies(record -> assertThat(record.getType()).isEqualTo(Type.SOA));
        assertThat(query("example.com.", Type.A, VM, true).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void networkChangesShowInTheNextAnswer() throws IOException {
        gateway.server().networkState().update(model -> model.withNamespace("contoso", namespace ->
                new NamespaceNetwork("contoso", namespace.ruleSet(), List.of(namespace.privateEndpoints().get(0)
                        .withStatus(ConnectionStatus.REJECTED, "no")))));
        assertThat(lines(query(CONTOSO, Type.A, VM, false), Section.ANSWER))
                .containsExactly(CNAME_LINE, CLUSTER_LINE, PUBLIC_LINE);
    }

    @Test
    void faultTogglesThroughTheManagementApiShowInTheNextAnswer() throws Exception {
        HttpResponse<String> stale = putFaults("{\"staleARecords\":{\"contoso\":\"127.10.0.9\"}}", true);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo("{\"staleARecords\":{\"contoso\":\"127.10.0.9\"},\"missingARecords\":[]}");
        assertThat(lines(query(CONTOSO, Type.A, VM, false), Section.ANSWER)).containsExactly(CNAME_LINE,
                "contoso.privatelink.servicebus.windows.net.\t10\tIN\tA\t127.10.0.9");

        assertThat(putFaults("{\"missingARecords\":[\"contoso\"]}", true).statusCode()).isEqualTo(200);
        Message missing = query(CONTOSO, Type.A, VM, true);
        assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(lines(missing, Section.ANSWER)).containsExactly(CNAME_LINE);

        assertThat(putFaults("{}", true).statusCode()).isEqualTo(200);
        assertThat(lines(query(CONTOSO, Type.A, VM, false), Section.ANSWER)).containsExactly(CNAME_LINE, PRIVATE_LINE);
        HttpResponse<String> current = gateway.httpClient().send(HttpRequest.newBuilder(faultsUri())
                .header("Authorization", "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(current.body()).isEqualTo("{\"staleARecords\":{},\"missingARecords\":[]}");
    }

    @Test
    void theFaultsRouteRequiresTheAdminKeyAndRefusesBadBodies() throws Exception {
        assertThat(putFaults("{}", false).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = putFaults("{\"missingARecords\":[\"nosuchns\"]}", true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("missingARecords: \\\"nosuchns\\\" (expected: one of the namespaces");
        assertThat(putFaults("{\"staleARecords\":{\"contoso\":\"10.0.0.0/8\"}}", true).statusCode()).isEqualTo(400);
        assertThat(putFaults("not json", true).statusCode()).isEqualTo(400);
        assertThat(putFaults("{\"other\":1}", true).statusCode()).isEqualTo(400);
        assertThat(lines(query(CONTOSO, Type.A, VM, false), Section.ANSWER)).containsExactly(CNAME_LINE, PRIVATE_LINE);
    }

    @Test
    void queriesAreCountedByAnswerKind() throws IOException {
        query(CONTOSO, Type.A, VM, false);
        query(CONTOSO, Type.A, address("127.0.0.1"), true);
        query("example.com.", Type.A, VM, false);
        assertThat(count("private")).isEqualTo(1);
        assertThat(count("public")).isEqualTo(1);
        assertThat(count("refused")).isEqualTo(1);
        assertThat(count("nxdomain")).isZero();
    }

    @Test
    void thousandsOfRandomAndMalformedPacketsLeaveTheResponderAnsweringCorrectly() throws IOException {
        Random random = new Random(42);
        byte[] valid = Message.newQuery(Record.newRecord(Name.fromConstantString(CONTOSO), Type.A, DClass.IN))
                .toWire();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(VM, 0))) {
            socket.setSoTimeout(2000);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < 3000; i++) {
                byte[] packet = BadPackets.next(random, valid, i);
                socket.send(new DatagramPacket(packet, packet.length, server));
            }
        }
        // TCP: garbage frames and a length prefix longer than what follows, then the connection goes away.
        for (int i = 0; i < 50; i++) {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(VM, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                byte[] garbage = new byte[random.nextInt(300)];
                random.nextBytes(garbage);
                out.writeShort(garbage.length);
                out.write(garbage);
                out.writeShort(60000);
                out.write(garbage);
                out.flush();
            } catch (SocketException closedByTheResponder) {
                // The responder may drop a connection that sent garbage while the rest is still being written.
            }
        }
        // Datagrams beyond the socket's receive buffer are lost while the flood drains (UDP); resolvers retry, so a
        // query that times out meanwhile is asked again.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() ->
                assertThat(lines(query(CONTOSO, Type.A, VM, false, Duration.ofMillis(500)), Section.ANSWER))
                        .containsExactly(CNAME_LINE, PRIVATE_LINE));
        assertThat(lines(query(CONTOSO, Type.A, VM, true), Section.ANSWER)).containsExactly(CNAME_LINE, PRIVATE_LINE);
        assertThat(count("formerr")).isPositive();
    }

    @Test
    void aTcpConnectionAnswersSeveralQueriesInARow() throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(VM, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                byte[] query = Message.newQuery(Record.newRecord(Name.fromConstantString(CONTOSO), Type.A, DClass.IN))
                        .toWire();
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                byte[] response = new byte[in.readUnsignedShort()];
                in.readFully(response);
                assertThat(lines(new Message(response), Section.ANSWER)).containsExactly(CNAME_LINE, PRIVATE_LINE);
            }
        }
    }

    @Test
    void digFromTheVnetAndFromOutside() throws Exception {
        assumeTrue(dig() != null, "dig is not installed (Debian: apt-get install -y dnsutils; CI installs it)");
        assertThat(dig("-b", "127.10.0.5", "contoso.servicebus.windows.net", "+noall", "+answer"))
                .containsExactly(spaced(CNAME_LINE), spaced(PRIVATE_LINE));
        assertThat(dig("-b", "127.10.0.5", "contoso.servicebus.windows.net", "+tcp", "+noall", "+answer"))
                .containsExactly(spaced(CNAME_LINE), spaced(PRIVATE_LINE));
        assertThat(dig("-b", "127.0.0.1", "contoso.servicebus.windows.net", "+noall", "+answer"))
                .containsExactly(spaced(CNAME_LINE), spaced(CLUSTER_LINE), spaced(PUBLIC_LINE));
        assertThat(dig("-b", "127.0.0.1", "contoso.servicebus.windows.net", "+tcp", "+noall", "+answer"))
                .containsExactly(spaced(CNAME_LINE), spaced(CLUSTER_LINE), spaced(PUBLIC_LINE));
        assertThat(String.join("\n", dig("nosuchns.servicebus.windows.net"))).contains("status: NXDOMAIN")
                .contains("flags: qr aa");
        assertThat(String.join("\n", dig("example.com"))).contains("status: REFUSED");
        assertThat(String.join("\n", dig("example.com", "+tcp"))).contains("status: REFUSED");
    }

    @Test
    void digSeesEachToggle() throws Exception {
        assumeTrue(dig() != null, "dig is not installed (Debian: apt-get install -y dnsutils; CI installs it)");
        assertThat(putFaults("{\"staleARecords\":{\"contoso\":\"127.10.0.9\"}}", true).statusCode()).isEqualTo(200);
        assertThat(dig("-b", "127.10.0.5", "contoso.servicebus.windows.net", "+short"))
                .containsExactly("contoso.privatelink.servicebus.windows.net.", "127.10.0.9");
        assertThat(putFaults("{\"missingARecords\":[\"contoso\"]}", true).statusCode()).isEqualTo(200);
        assertThat(String.join("\n", dig("-b", "127.10.0.5", "contoso.servicebus.windows.net")))
                .contains("status: NXDOMAIN");
        assertThat(dig("-b", "127.0.0.1", "contoso.servicebus.windows.net", "+short"))
                .containsExactly("contoso.privatelink.servicebus.windows.net.",
                        "ns-relaysim-prod.cloudapp.servicebus.windows.net.", "127.0.0.1");
    }

    private Message query(String name, int type, InetAddress source, boolean tcp) throws IOException {
        return query(name, type, source, tcp, Duration.ofSeconds(5));
    }

    private Message query(String name, int type, InetAddress source, boolean tcp, Duration timeout)
            throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setLocalAddress(new InetSocketAddress(source, 0));
        resolver.setTCP(tcp);
        resolver.setTimeout(timeout);
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN)));
    }

    private HttpResponse<String> putFaults(String body, boolean authorized) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(faultsUri())
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (authorized) {
            request.header("Authorization", "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY);
        }
        return gateway.httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI faultsUri() {
        return URI.create("http://127.0.0.1:" + gateway.addresses().managementPort() + DnsFaultsEndpoint.PATH);
    }

    private double count(String answer) {
        return gateway.server().meterRegistry().get(RelayMeters.DNS_QUERIES).tag(RelayMeters.ANSWER, answer)
                .counter().count();
    }

    private static List<String> lines(Message response, int section) {
        return response.getSection(section).stream().map(Record::toString).toList();
    }

    private List<String> dig(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(dig(), "@127.0.0.1", "-p", Integer.toString(port),
                "+time=5", "+tries=1"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // dig aligns columns with tabs and spaces; compare with single spaces
        return output.lines().filter(line -> !line.isBlank()).map(DnsServerIntegrationTest::spaced).toList();
    }

    private static String spaced(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    private static String dig() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "dig");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
