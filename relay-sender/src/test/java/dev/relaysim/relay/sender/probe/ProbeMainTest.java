package dev.relaysim.relay.sender.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.testing.TestDnsServer;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.config.RendezvousFault;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.sender.PrivateLinkSeed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's verdicts against a gateway with the seed's Private Link scenario: namespace {@code contoso}, public
 * access Disabled, endpoint {@code contoso-pe} at 127.10.0.4 in {@code vnet1} (127.10.0.0/16), resolved through a
 * split-horizon test DNS server (private chain for 127.10.x.x queriers, public chain to 127.0.0.1 otherwise).
 */
@Timeout(60)
class ProbeMainTest {

    private static final String HOST = PrivateLinkSeed.HOST;
    private static final String PRIVATE_LINK = PrivateLinkSeed.PRIVATE_LINK_HOST;
    private static final String CLUSTER = "ns-relaysim-g0.cloudapp.net";
    private static final String VM = PrivateLinkSeed.VM;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path home;

    private TestGateway gateway;
    private TestDnsServer dns;
    private final List<Run> runs = new ArrayList<>();

    @BeforeEach
    void startDns() {
        dns = new TestDnsServer((name, querier) -> {
            if (!name.equals(TestDnsServer.name(HOST))) {
                return null;
            }
            return querier.getHostAddress().startsWith("127.10.")
                    ? TestDnsServer.chain(HOST, PRIVATE_LINK, "127.10.0.4")
                    : TestDnsServer.chain(HOST, PRIVATE_LINK, CLUSTER, "127.0.0.1");
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        dns.close();
    }

    @Test
    void theHealthySeedScenarioPassesEveryStepFromTheVnet() throws Exception {
        start(ConnectionStatus.APPROVED);

        Run probe = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM);

        assertThat(probe.exitCode()).as(probe.out()).isZero();
        assertThat(probe.lines()).hasSize(7);
        assertThat(probe.lines().get(0))
                .isEqualTo("probing sb://" + HOST + ':' + tlsPort() + "/echo as a listener from "
                + VM + " via DNS " + dns.hostPort());
        assertThat(probe.lines().get(1))
                .isEqualTo("1. dns              PASS  private chain: " + HOST + " -> " + PRIVATE_LINK
                + " = 127.10.0.4 (TTL 10)");
        assertThat(probe.lines().get(2)).matches("2\\. front-end +PASS  127\\.10\\.0\\.4:" + tlsPort()
                + ": TCP in \\d+\\.\\d ms, TLS as " + HOST + " in \\d+\\.\\d ms");
        assertThat(probe.lines().get(3)).isEqualTo("3. rendezvous-ports PASS  all " + rendezvous().size() + " ports "
                + rendezvous().first() + '-' + rendezvous().last() + " on 127.10.0.4 reachable");
        assertThat(probe.lines().get(4)).startsWith("4. handshake        PASS  listener control channel open in ");
        assertThat(probe.lines().get(5)).matches("5\\. round-trip +PASS  sender -> rendezvous -> listener and back: "
                + "connect \\d+\\.\\d ms, message round trip \\d+\\.\\d ms");
        assertThat(probe.lines().get(6)).isEqualTo("Ready: this machine can use sb://" + HOST + ':' + tlsPort()
                + "/echo as a listener through the private endpoint at 127.10.0.4.");
        assertThat(dns.queriers()).contains(InetAddress.getByName(VM));
    }

    @Test
    void publicAccessDisabledFromAPublicSourceFailsAtDnsAndHandshake() throws Exception {
        start(ConnectionStatus.APPROVED);

        Run probe =
                probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(), "--role", "sender");

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("dns"))
                .startsWith("FAIL  public chain: " + HOST + " -> " + PRIVATE_LINK + " -> " + CLUSTER
                + " = 127.0.0.1 (TTL 10); this is the public address, and the namespace refuses this source's public"
                + " traffic (public network access Disabled, or no IP rule admits it)");
        assertThat(probe.line("front-end")).startsWith("PASS  127.0.0.1:" + tlsPort());
        assertThat(probe.line("rendezvous-ports")).startsWith("SKIP  senders do not dial rendezvous ports");
        assertThat(probe.line("handshake")).startsWith("FAIL  401: the namespace's network rules refuse this source")
                .contains("Ip has been prevented to connect to the endpoint.");
        assertThat(probe.line("round-trip")).isEqualTo("SKIP  the handshake failed");
        assertThat(probe.lines().get(6)).startsWith("Not ready as a sender: 2 checks failed; first dns: public chain");
    }

    @Test
    void aRejectedEndpointRefusesTheVmEvenByAddress() throws Exception {
        start(ConnectionStatus.REJECTED);

        Run probe = probe("--connection-string", connectionString("127.10.0.4", KEY), "--source-address", VM);

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("dns")).isEqualTo("SKIP  the endpoint is the IP address 127.10.0.4; nothing to resolve");
        assertThat(probe.line("front-end")).startsWith("PASS  127.10.0.4:" + tlsPort() + ": TCP in ");
        assertThat(probe.line("handshake")).startsWith("FAIL  401: the namespace's network rules refuse this source "
                + "(public network access Disabled or no IP rule admits it; through a private endpoint: the source is "
                + "outside its network or the endpoint connection is not Approved)");
    }

    @Test
    void aWrongKeyIsExplained() throws Exception {
        start(ConnectionStatus.APPROVED);

        Run probe = probe("--connection-string", connectionString(HOST, "d3Jvbmcta2V5LWZvci10aGUtcHJvYmUtdGVzdA=="),
                "--dns", dns.hostPort(), "--source-address", VM, "--json");

        assertThat(probe.exitCode()).isEqualTo(1);
        JsonNode report = JSON.readTree(probe.out());
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("role").asText()).isEqualTo("listener");
        assertThat(report.get("sourceAddress").asText()).isEqualTo(VM);
        JsonNode steps = report.get("steps");
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0).get("verdict").asText()).isEqualTo("pass");
        assertThat(steps.get(3).get("step").asText()).isEqualTo("handshake");
        assertThat(steps.get(3).get("verdict").asText()).isEqualTo("fail");
        assertThat(steps.get(3).get("detail").asText()).startsWith("401: the token was not accepted — check "
                + "SharedAccessKeyName and SharedAccessKey");
        assertThat(steps.get(4).get("verdict").asText()).isEqualTo("skip");
        assertThat(report.get("summary").asText())
                .startsWith("Not ready as a listener: 1 check failed; first handshake: 401");
    }

    @Test
    void closedRendezvousPortsAreReportedAsRanges() throws Exception {
        start(ConnectionStatus.APPROVED);
        PortRange open = rendezvous();
        // Nothing listens on 127.10.0.99: every port there is refused.
        Run probe = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM, "--rendezvous-ports", open.first() + "-" + open.last());
        assertThat(probe.exitCode()).isZero();

        dns.close();
        dns = new TestDnsServer((name, querier) -> TestDnsServer.chain(HOST, PRIVATE_LINK, "127.10.0.99"));
        Run blocked = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM, "--rendezvous-ports", "9400-9409,9500");
        assertThat(blocked.exitCode()).isEqualTo(1);
        assertThat(blocked.line("rendezvous-ports"))
                .isEqualTo("FAIL  11 of 11 ports on 127.10.0.99 blocked: 9400-9409, 9500"
                + " (connection refused) — a listener must reach all of 9400-9409, 9500 (outbound), or the senders"
                + " whose rendezvous lands on 9400-9409, 9500 fail");
        assertThat(blocked.line("dns")).startsWith("FAIL  private chain: ")
                .contains("nothing answers at this private endpoint address: a stale A record");
    }

    @Test
    void portsBlockedByTheGatewaysFaultToggleAreReportedAsARange() throws Exception {
        start(ConnectionStatus.APPROVED);
        PortRange all = rendezvous();
        PortRange blocked = new PortRange(all.first() + 4, all.last());
        gateway.server().rendezvousFaults().set(new RendezvousFaults(List.of(
                new RendezvousFault(blocked, List.of(Ipv4Prefix.parse("127.10.0.0/16"))))));

        Run probe = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM);

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("rendezvous-ports")).isEqualTo("FAIL  " + blocked.size() + " of " + all.size()
                + " ports on 127.10.0.4 blocked: " + blocked
                + " (reset after connecting) — a listener must reach all of "
                + all + " (outbound), or the senders whose rendezvous lands on " + blocked + " fail");
        assertThat(probe.line("dns")).startsWith("PASS  private chain");
        assertThat(probe.line("handshake")).startsWith("PASS");

        Run fromOutside = probe("--connection-string", connectionString("127.0.0.1", KEY), "--role", "listener");
        assertThat(fromOutside.line("rendezvous-ports")).as("the toggle applies to 127.10.0.0/16 only")
                .startsWith("PASS  all " + all.size() + " ports");
    }

    @Test
    void throughTheGatewaysDnsResponderTheVmGetsThePrivateChainAndOthersThePublicOne() throws Exception {
        start(ConnectionStatus.APPROVED, true);
        String responder = "127.0.0.1:" + gateway.addresses().dns().orElseThrow().getPort();

        Run vm = probe("--connection-string", connectionString(HOST, KEY), "--dns", responder, "--source-address", VM);
        assertThat(vm.exitCode()).as(vm.out()).isZero();
        assertThat(vm.line("dns")).isEqualTo("PASS  private chain: " + HOST + " -> " + PRIVATE_LINK
                + " = 127.10.0.4 (TTL 10)");

        Run outside = probe("--connection-string", connectionString(HOST, KEY), "--dns", responder, "--role", "sender");
        assertThat(outside.exitCode()).isEqualTo(1);
        assertThat(outside.line("dns")).startsWith("FAIL  public chain: " + HOST + " -> " + PRIVATE_LINK + " -> ")
                .contains("this is the public address, and the namespace refuses this source's public traffic");
        assertThat(outside.line("handshake")).startsWith("FAIL  401: the namespace's network rules refuse this source");

        gateway.server().dnsFaults().set(new DnsFaults(Map.of(), Set.of("contoso")));
        Run missing =
                probe("--connection-string", connectionString(HOST, KEY), "--dns", responder, "--source-address", VM);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.line("dns")).startsWith("FAIL  " + HOST + ": ");
        assertThat(missing.line("front-end")).isEqualTo("SKIP  no address for " + HOST);
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionStatus.class, names = {"PENDING", "REJECTED", "DISCONNECTED"})
    void anEndpointThatIsNotApprovedIsBlamedAndNotDns(ConnectionStatus status) throws Exception {
        start(status);

        Run probe = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM);

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("dns"))
                .startsWith("PASS  private chain: " + HOST + " -> " + PRIVATE_LINK + " = 127.10.0.4");
        assertThat(probe.line("handshake")).startsWith("FAIL  401: the private endpoint refuses this source: its "
                + "connection is not Approved (Pending, Rejected or Disconnected; ./relaysim pe list shows it");
        assertThat(probe.lines().get(6)).startsWith("Not ready as a listener: 1 check failed; first handshake: 401: "
                + "the private endpoint refuses this source");
    }

    @Test
    void aPrivateDnsZoneThatIsNotLinkedGivesTheVmThePublicAddress() throws Exception {
        start(ConnectionStatus.APPROVED);
        dns.close();
        dns = new TestDnsServer((name, querier) -> TestDnsServer.chain(HOST, PRIVATE_LINK, CLUSTER, "127.0.0.1"));

        Run probe = probe("--connection-string", connectionString(HOST, KEY), "--dns", dns.hostPort(),
                "--source-address", VM);

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("dns")).startsWith("FAIL  public chain: ")
                .contains("the name must resolve to the private endpoint (private DNS zone "
                        + "privatelink.servicebus.windows.net linked to the network");
        assertThat(probe.line("handshake")).startsWith("FAIL  401: the namespace's network rules refuse this source");
    }

    @Test
    void aStaleARecordInTheGatewaysDnsIsBlamedOnDns() throws Exception {
        start(ConnectionStatus.APPROVED, true);
        gateway.server().dnsFaults().set(new DnsFaults(
                Map.of("contoso", (Inet4Address) InetAddress.getByName("127.10.0.9")), Set.of()));
        String responder = "127.0.0.1:" + gateway.addresses().dns().orElseThrow().getPort();

        Run probe =
                probe("--connection-string", connectionString(HOST, KEY), "--dns", responder, "--source-address", VM);

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("dns")).startsWith("FAIL  private chain: ").contains("= 127.10.0.9")
                .contains("nothing answers at this private endpoint address: a stale A record");
        assertThat(probe.line("front-end")).startsWith("FAIL  127.10.0.9:" + tlsPort());
    }

    @Test
    void aRendezvousPortAsTheEndpointsPortIsNamedAndNotBlamedOnEntityPath() throws Exception {
        start(ConnectionStatus.APPROVED);
        int rendezvousPort = rendezvous().first();

        Run probe = probe("--connection-string", "Endpoint=sb://127.0.0.1:" + rendezvousPort + "/;SharedAccessKeyName="
                + KEY_NAME + ";SharedAccessKey=" + KEY + ";EntityPath=echo", "--role", "sender");

        assertThat(probe.exitCode()).isEqualTo(1);
        assertThat(probe.line("handshake"))
                .startsWith("FAIL  404: port " + rendezvousPort + " is one of the rendezvous "
                + "ports, not the front end").doesNotContain("EntityPath");
    }

    @Test
    void badArgumentsExitWith2() throws Exception {
        start(ConnectionStatus.APPROVED);
        assertThat(probe("--role", "admin").err()).isEqualTo("--role: \"admin\" (expected: listener or sender)");
        assertThat(probe("--rendezvous-ports", "9599-9400").err()).isEqualTo("--rendezvous-ports: \"9599-9400\" "
                + "(expected: ports and FROM-TO ranges of 1-65535, comma-separated, such as 9400-9599)");
        assertThat(probe("--dns", "localhost").err())
                .isEqualTo("--dns: \"localhost\" (expected: IP:PORT of a DNS server, "
                + "such as 127.0.0.1:1053)");
        assertThat(runs).allSatisfy(run -> assertThat(run.exitCode()).isEqualTo(2));
    }

    private void start(ConnectionStatus status) throws UnknownHostException {
        start(status, false);
    }

    /** Starts the gateway, with its own DNS responder when {@code responder}. */
    private void start(ConnectionStatus status, boolean responder) throws UnknownHostException {
        gateway = PrivateLinkSeed.start(status, responder);
    }

    private int tlsPort() {
        return gateway.addresses().tlsPort();
    }

    private PortRange rendezvous() {
        return gateway.config().listen().rendezvousPorts();
    }

    private String connectionString(String host, String key) {
        return "Endpoint=sb://" + host + ':' + tlsPort() + "/;SharedAccessKeyName=" + KEY_NAME + ";SharedAccessKey="
                + key + ";EntityPath=echo";
    }

    /** Runs the probe in-process; the rendezvous ports are the gateway's unless given. */
    private Run probe(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--rendezvous-ports") && gateway != null) {
            all.add("--rendezvous-ports");
            all.add(rendezvous().first() + "-" + rendezvous().last());
        }
        Map<String, String> environment = Map.of("HOME", home.toString(),
                "RELAYSIM_CA", gateway.server().certificateAuthority().caCertificatePem().toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new ProbeMain(environment))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        Run run = new Run(exitCode, out.toString(), err.toString().strip());
        runs.add(run);
        return run;
    }

    private record Run(int exitCode, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        /** The verdict and detail of the step named {@code step}. */
        String line(String step) {
            return lines().stream()
                    .filter(line -> line.matches("\\d\\. " + step + " .*"))
                    .map(line -> line.replaceFirst("\\d\\. " + step + " +", ""))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no step " + step + " in\n" + out));
        }
    }
}
