package dev.relaysim.relay.sender.netns;

import dev.relaysim.relay.gateway.testing.ChildProcess;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.listener.ListenerMain;
import dev.relaysim.relay.sender.faults.ChildJvm;
import dev.relaysim.relay.sender.netns.NetnsHarness.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.relaysim.relay.sender.netns.NetnsHarness.CONNECTION_STRING;
import static dev.relaysim.relay.sender.netns.NetnsHarness.IP_REFUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code gateway --netns} on its embedded config, with programs run unchanged by {@code vnet run}: the documented
 * {@code nslookup}, Microsoft's {@code hyco-ws} listener and sender given only the real connection string (port
 * 443, certificate checked against {@code contoso.servicebus.windows.net}), the refusal from the host, rejecting
 * and approving {@code contoso-pe} live (meanwhile vnet1 meets the public endpoint at its gateway address and its
 * 401), the peered {@code vnet2} and the unconnected {@code vnet3} (which reaches only the public endpoint: 401 while
 * public access is Disabled, admitted by an IP rule for its machine), the DNS faults as {@code nslookup} and the
 * probe meet them, and at the end SIGTERM removing everything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class VnetIntegrationTest {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);
    private static final String CONNECTION = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "relaysim/providers/Microsoft.Relay/namespaces/contoso/privateEndpointConnections/contoso-pe"
            + "?api-version=2021-11-01";
    private static final String ECHO = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "relaysim/providers/Microsoft.Relay/namespaces/contoso/hybridConnections/echo?api-version=2021-11-01";
    private static final String DNS_FAULTS = "/relaysim/dns/faults";
    private static final String NETWORK_RULES = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "relaysim/providers/Microsoft.Relay/namespaces/contoso/networkRuleSets/default?api-version=2021-11-01";

    private NetnsHarness harness;
    private ChildJvm gateway;
    private NodeClients node;

    @BeforeAll
    void startGateway() throws Exception {
        NetnsHarness.assumeNamespacesWork();
        node = NodeClients.install();
        harness = NetnsHarness.create();
        gateway = harness.startGateway();
    }

    @AfterAll
    void removeNamespaces() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    @Order(1)
    void nslookupInsideVnet1AnswersAsAzureDocumentsIt() throws Exception {
        Result inside = harness.run(harness.vnetRun("vnet1"), "nslookup", "contoso.servicebus.windows.net");

        assertThat(inside.exitCode()).as(inside.output()).isZero();
        assertThat(inside.output()).contains("Address:\t10.0.0.2#53",
                "contoso.servicebus.windows.net\tcanonical name = contoso.privatelink.servicebus.windows.net.",
                "Name:\tcontoso.privatelink.servicebus.windows.net", "Address: 10.0.0.4")
                .doesNotContain("recursion not available");

        // curl checks the certificate against the real name with the bundle vnet run hands it (CURL_CA_BUNDLE).
        Result https = harness.run(harness.vnetRun("vnet1"), "curl", "-sS", "-w", "\n%{http_code}",
                "https://contoso.servicebus.windows.net/echo");
        assertThat(https.output()).as("admitted by the network, refused for lack of a token")
                .startsWith("MissingToken").endsWith("\n401");

        Result outside = harness.run(harness.onHost(), "nslookup", "contoso.servicebus.windows.net");
        assertThat(outside.output()).contains(
                "contoso.privatelink.servicebus.windows.net\tcanonical name = "
                        + "ns-relaysim-prod.cloudapp.servicebus.windows.net.", "Address: 127.0.0.1")
                .doesNotContain("10.0.0.4");
    }

    @Test
    @Order(2)
    void hycoWsListenerAndSenderInsideVnet1RelayWithTheRealConnectionStringOn443() throws Exception {
        try (NodeProcess listener = startListener("vnet1")) {
            NodeProcess sender = node.startWrapped(harness.vnetRun("vnet1"), "hyco-ws-sender.js", harness.environment(),
                    CONNECTION_STRING, "1", "1000", "70000", "1048576");

            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isZero();
            assertThat(sender.lines()).last().asString()
                    .contains("\"ok\":true", "\"received\":4", "\"closeCode\":1000");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.lines())
                    .contains("dial contoso.servicebus.windows.net:443", "connection", "closed 1000 done")
                    .anyMatch(line -> line.matches("dial 10\\.0\\.0\\.4:(94\\d\\d|95\\d\\d)")));

            // Another machine of vnet1, for this one command.
            Result address = harness.run(harness.vnetRun("vnet1", "10.0.0.7"), "ip", "-4", "-o", "addr", "show", "dev",
                    "eth0");
            assertThat(address.output()).contains("inet 10.0.0.7/24");
            NodeProcess other = node.startWrapped(harness.vnetRun("vnet1", "10.0.0.7"), "hyco-ws-sender.js",
                    harness.environment(), CONNECTION_STRING, "1000");
            assertThat(other.awaitExit(PROCESS_TIMEOUT)).as("%s", other).isZero();
            assertThat(harness.leftovers()).noneMatch(found -> found.contains("10-0-0-7"));
        }
    }

    @Test
    @Order(3)
    void fromTheHostTheNamespaceRefusesWith401() throws Exception {
        NodeProcess sender = node.startWrapped(harness.onHost(), "hyco-ws-sender.js",
                Map.of("NODE_EXTRA_CA_CERTS", harness.directory.resolve("data/tls/ca.pem").toString()),
                CONNECTION_STRING, "1");
        assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s", sender).isNotZero();
        assertThat(sender.lines()).last().asString().contains("401");

        Result curl = harness.connectWithoutToken(harness.onHost(), "--cacert",
                harness.directory.resolve("data/tls/ca.pem").toString());
        assertThat(curl.output()).contains(IP_REFUSED).endsWith("\n401");
    }

    @Test
    @Order(4)
    void rejectingContosoPeClosesTheControlChannelWith1008AndApprovingLetsListenersBack() throws Exception {
        // The project's listener with --retry forever (hyco-ws's own reconnect opens control channels on every error
        // and close, up to the 25-listener quota after the approval, most of them orphaned: a sender then often
        // waits on one that never accepts).
        List<String> listen = new ArrayList<>(harness.vnetRun("vnet1"));
        listen.addAll(List.of(NetnsHarness.java(), "-cp", System.getProperty("java.class.path"),
                ListenerMain.class.getName(), "--connection-string", CONNECTION_STRING, "--echo", "--retry",
                        "forever"));
        try (NodeProcess control = node.startWrapped(harness.vnetRun("vnet1"), "control-channel.js",
                harness.environment(), CONNECTION_STRING);
             ChildProcess listener = ChildProcess.start(Path.of("."), harness.environment(), listen)) {
            await().atMost(PROCESS_TIMEOUT).until(() -> control.lines().contains("open")
                    && listener.lines().stream().anyMatch(line -> line.startsWith("listening on ")));
            await().atMost(PROCESS_TIMEOUT).until(() -> listenerCount() == 2);

            harness.management("PUT", CONNECTION,
                    "{\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Rejected\"}}}");
            assertThat(control.awaitExit(PROCESS_TIMEOUT)).isZero();
            assertThat(control.lines()).anyMatch(line -> line.startsWith("close 1008 "));
            // While the connection is not Approved, vnet1 gets the public answer, its gateway address, where the
            // public endpoint refuses the listener (public access is Disabled), as Azure's does; it keeps trying.
            await().atMost(PROCESS_TIMEOUT).until(() -> listenerCount() == 0
                    && listener.lines().stream().anyMatch(line -> line.contains("401")));
            Result lookup = harness.run(harness.vnetRun("vnet1"), "nslookup", "contoso.servicebus.windows.net");
            assertThat(lookup.output())
                    .contains("ns-relaysim-prod.cloudapp.servicebus.windows.net", "Address: 10.0.0.1")
                    .doesNotContain("10.0.0.4");

            harness.management("PUT", CONNECTION,
                    "{\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Approved\"}}}");
            await().atMost(PROCESS_TIMEOUT).until(() -> listenerCount() == 1);
            NodeProcess sender = node.startWrapped(harness.vnetRun("vnet1"), "hyco-ws-sender.js", harness.environment(),
                    CONNECTION_STRING, "100");
            assertThat(sender.awaitExit(PROCESS_TIMEOUT)).as("%s, listener %s", sender, listener).isZero();
        }
    }

    /** The listeners the gateway counts on contoso/echo, as its management API reports them. */
    private int listenerCount() throws Exception {
        String body = harness.management("GET", ECHO, "");
        Matcher count = Pattern.compile("\"listenerCount\":(\\d+)").matcher(body);
        assertThat(count.find()).as(body).isTrue();
        return Integer.parseInt(count.group(1));
    }

    @Test
    @Order(5)
    void thePeeredVnet2ReachesContosoPeTheUnconnectedVnet3HasNoRouteAndMeetsThePublicEndpoint() throws Exception {
        try (NodeProcess listener = startListener("vnet1")) {
            NodeProcess peered = node.startWrapped(harness.vnetRun("vnet2"), "hyco-ws-sender.js", harness.environment(),
                    CONNECTION_STRING, "1000", "1000");
            assertThat(peered.awaitExit(PROCESS_TIMEOUT)).as("%s", peered).isZero();
        }
        Result direct = harness.run(harness.vnetRun("vnet3"), "curl", "-sS", "-v", "--connect-timeout", "10",
                "https://10.0.0.4/");
        assertThat(direct.exitCode()).isEqualTo(7);
        assertThat(direct.output()).contains("Network is unreachable");

        Result lookup = harness.run(harness.vnetRun("vnet3"), "nslookup", "contoso.servicebus.windows.net");
        assertThat(lookup.output()).contains("ns-relaysim-prod.cloudapp.servicebus.windows.net", "Address: 10.2.0.1")
                .doesNotContain("10.0.0.4");

        // By the name, vnet3 reaches the public endpoint at its gateway address: refused while public access is
        // Disabled, admitted by an IP rule for its machine's address.
        Result refused = harness.connectWithoutToken(harness.vnetRun("vnet3"));
        assertThat(refused.output()).contains(IP_REFUSED).endsWith("\n401");
        // Asking the VNet's resolver itself (as the probe suggests) shows the chain, and so which address this is.
        Result diagnosis = harness.probe("vnet3", "--dns", "10.2.0.2:53");
        assertThat(diagnosis.exitCode()).as(diagnosis.output()).isNotZero();
        assertThat(diagnosis.output()).containsPattern("1\\. dns +FAIL .*= 10\\.2\\.0\\.1.*this is the public address")
                .containsPattern("2\\. front-end +PASS +10\\.2\\.0\\.1:443")
                .containsPattern("4\\. handshake +FAIL .*network rules refuse this source");

        harness.management("PUT", NETWORK_RULES, "{\"properties\":{\"publicNetworkAccess\":\"Enabled\","
                + "\"defaultAction\":\"Deny\",\"ipRules\":[{\"ipMask\":\"10.2.0.5\",\"action\":\"Allow\"}]}}");
        try {
            Result admitted = harness.connectWithoutToken(harness.vnetRun("vnet3"));
            assertThat(admitted.output()).as("admitted by the IP rule, then refused as no WebSocket upgrade")
                    .doesNotContain(IP_REFUSED).startsWith("BadRequest: no 'Upgrade: websocket' header")
                    .endsWith("\n400");
        } finally {
            harness.management("PUT", NETWORK_RULES, "{\"properties\":{\"publicNetworkAccess\":\"Disabled\","
                    + "\"defaultAction\":\"Allow\",\"ipRules\":[]}}");
        }
    }

    @Test
    @Order(6)
    void aStaleARecordShowsInsideAndTheProbeFindsTheFrontEndUnreachable() throws Exception {
        Seen seen = underDnsFault("{\"staleARecords\":{\"contoso\":\"10.0.0.9\"}}");

        assertThat(seen.lookup().output()).contains("Name:\tcontoso.privatelink.servicebus.windows.net",
                "Address: 10.0.0.9");
        assertThat(seen.probe().exitCode()).as(seen.probe().output()).isNotZero();
        assertThat(seen.probe().output()).containsPattern("1\\. dns +PASS .*= 10\\.0\\.0\\.9")
                .containsPattern("2\\. front-end +FAIL +10\\.0\\.0\\.9:443");
    }

    @Test
    @Order(7)
    void aMissingARecordIsNxdomainInsideAndTheProbeFailsAtDns() throws Exception {
        Seen seen = underDnsFault("{\"missingARecords\":[\"contoso\"]}");

        assertThat(seen.lookup().output()).contains("server can't find contoso.servicebus.windows.net: NXDOMAIN");
        assertThat(seen.probe().exitCode()).as(seen.probe().output()).isNotZero();
        assertThat(seen.probe().output())
                .containsPattern("1\\. dns +FAIL .*no address for contoso.servicebus.windows.net");

        Result healed = harness.probe("vnet1");
        assertThat(healed.output()).containsPattern("1\\. dns +PASS .*= 10\\.0\\.0\\.4")
                .containsPattern("4\\. handshake +PASS");
    }

    @Test
    @Order(8)
    void vnetListShowsTheNetworksAndSigtermRemovesEverything() throws Exception {
        Result list = harness.run(List.of(), NetnsHarness.java(), "-cp",
                System.getProperty("java.class.path"), "dev.relaysim.relay.gateway.internal.netns.VnetMain", "list");
        assertThat(list.output())
                .containsPattern("vnet1 +" + harness.prefix + "vnet1 +10\\.0\\.0\\.0/16 +10\\.0\\.0\\.5 "
                + "+10\\.0\\.0\\.2 +10\\.0\\.0\\.1 +10\\.0\\.0\\.4")
                .containsPattern("vnet2 .* 10\\.1\\.0\\.5 +10\\.1\\.0\\.2 +10\\.1\\.0\\.1 +- +10\\.0\\.0\\.4")
                .containsPattern("vnet3 .* 10\\.2\\.0\\.5 +10\\.2\\.0\\.2 +10\\.2\\.0\\.1 +- +-");
        assertThat(harness.leftovers()).hasSizeGreaterThanOrEqualTo(3 * 3);

        gateway.terminate(Duration.ofSeconds(60));

        assertThat(harness.leftovers()).isEmpty();
        Result after = harness.run(harness.vnetRun("vnet1"), "true");
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.output()).contains("no gateway --netns is running");
    }

    /** The hyco-ws listener inside {@code vnet}, given only the connection string, once it listens. */
    private NodeProcess startListener(String vnet) {
        Map<String, String> environment = new HashMap<>(harness.environment());
        environment.put("LOG_DIALS", "1");
        NodeProcess listener = node.startWrapped(harness.vnetRun(vnet), "hyco-ws-listener.js", environment,
                CONNECTION_STRING, "1000");
        await().atMost(PROCESS_TIMEOUT).untilAsserted(() -> assertThat(listener.lines()).as("%s", listener)
                .contains("listening"));
        return listener;
    }

    /** What {@code nslookup} and the probe show inside vnet1 while {@code faults} are on. */
    private Seen underDnsFault(String faults) throws Exception {
        harness.management("PUT", DNS_FAULTS, faults);
        try {
            return new Seen(harness.run(harness.vnetRun("vnet1"), "nslookup", "contoso.servicebus.windows.net"),
                    harness.probe("vnet1"));
        } finally {
            harness.management("PUT", DNS_FAULTS, "{}");
        }
    }

    private record Seen(Result lookup, Result probe) {
    }
}
