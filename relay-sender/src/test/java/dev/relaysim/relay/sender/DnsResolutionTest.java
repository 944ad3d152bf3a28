package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.dns.DnsHostResolver;
import dev.relaysim.relay.common.testing.TestDnsServer;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.HybridConnectionListener;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --dns}: the listener, the WebSocket sender, the HTTP sender and the {@code send} command resolve
 * {@code contoso.servicebus.windows.net} through a split-horizon test DNS server, asking from the VM's address
 * 127.10.0.5, so they reach the private endpoint 127.10.0.4 (public access is Disabled), while TLS sends and checks
 * the real host name.
 */
@Timeout(60)
class DnsResolutionTest {

    private static final String HOST = PrivateLinkSeed.HOST;
    private static final String PRIVATE_LINK = PrivateLinkSeed.PRIVATE_LINK_HOST;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestGateway gateway;
    private static TestDnsServer dns;
    private static InetAddress vm;

    @BeforeAll
    static void start() throws Exception {
        vm = InetAddress.getByName(PrivateLinkSeed.VM);
        gateway = PrivateLinkSeed.start(ConnectionStatus.APPROVED, false);
        dns = new TestDnsServer((name, querier) -> name.equals(TestDnsServer.name(HOST))
                ? TestDnsServer.chain(HOST, PRIVATE_LINK, querier.equals(vm) ? "127.10.0.4" : "127.0.0.1")
                : null);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        gateway.close();
        dns.close();
    }

    @Test
    void listenerAndSendersReachThePrivateEndpointByName() throws Exception {
        DnsHostResolver resolver = new DnsHostResolver(dns.address(), vm);
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString(HOST))
                .sslContext(sslContext())
                .sourceAddress(vm)
                .resolver(resolver)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .requestHandler((request, response) -> {
                    try (InputStream in = request.body(); OutputStream out = response.body()) {
                        out.write(("echo " + new String(in.readAllBytes())).getBytes());
                    }
                })
                .build();
             HybridConnectionClient client = HybridConnectionClient.builder().connectionString(connectionString(HOST))
                     .sslContext(sslContext()).sourceAddress(vm).resolver(resolver).build();
             HybridConnectionHttpClient http = HybridConnectionHttpClient.builder()
                     .connectionString(connectionString(HOST)).sslContext(sslContext()).sourceAddress(vm)
                     .resolver(resolver).build()) {
            listener.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            RelayConnection connection = client.connect().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(connection.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.10.0.4");
            assertThat(connection.localAddress().getAddress()).isEqualTo(vm);
            connection.sendText("by name").get();
            assertThat(connection.receive(TIMEOUT).asText()).isEqualTo("by name");
            connection.close(1000, "done").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            try (RelayHttpResponse response = http.send(RelayHttpRequest.builder().method("POST")
                    .body("over http".getBytes()).build()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(new String(response.bodyAsBytes())).isEqualTo("echo over http");
            }
        }
        assertThat(dns.queriers()).isNotEmpty().allMatch(vm::equals);
    }

    @Test
    void theSendCommandTakesDnsAndReportsAnUnknownName() throws Exception {
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString(HOST))
                .sslContext(sslContext())
                .sourceAddress(vm)
                .resolver(new DnsHostResolver(dns.address(), vm))
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .build()) {
            listener.open().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            Result sent = send("--connection-string", connectionText(HOST), "--dns", dns.hostPort(),
                    "--source-address", "127.10.0.5");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            assertThat(sent.out()).startsWith("message 1: 5 bytes text, echo matched");
        }
        Result unknown = send("--connection-string", connectionText("fabrikam.servicebus.windows.net"),
                "--dns", dns.hostPort());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("cannot resolve the host of fabrikam.servicebus.windows.net:" + tlsPort()
                + ": fabrikam.servicebus.windows.net: no such name (NXDOMAIN) from the DNS server " + dns.hostPort());
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result send(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> environment = Map.of("RELAYSIM_CA",
                gateway.server().certificateAuthority().caCertificatePem().toString());
        int exitCode = new CommandLine(new SenderMain(environment, new ByteArrayOutputStream()))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exitCode, out.toString(), err.toString().strip());
    }

    private static int tlsPort() {
        return gateway.addresses().tlsPort();
    }

    private static ConnectionString connectionString(String host) {
        return ConnectionString.parse(connectionText(host));
    }

    private static String connectionText(String host) {
        return "Endpoint=sb://" + host + ':' + tlsPort() + "/;SharedAccessKeyName=" + KEY_NAME + ";SharedAccessKey="
                + KEY + ";EntityPath=echo";
    }

    private static SslContext sslContext() {
        return SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
    }
}
