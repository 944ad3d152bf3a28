package dev.relaysim.relay.sender.netns;

import dev.relaysim.relay.sender.faults.ChildJvm;
import dev.relaysim.relay.sender.netns.NetnsHarness.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway killed with SIGKILL leaves its namespaces (no shutdown hook runs); the next start removes them by their
 * owner marks before it makes its own. The second gateway runs with the private DNS zone not linked to vnet1, the
 * classic mistake: inside, the name resolves to the public endpoint (at the subnet's gateway address, where the
 * simulated VNet reaches it), which refuses the VNet's programs with 401 while public access is Disabled.
 */
@Timeout(400)
class VnetRestartIntegrationTest {

    /** The embedded netns config's virtual networks, with the private zone not linked to vnet1. */
    private static final String UNLINKED_ZONE = """
            {"virtualNetworks": [
              {"name": "vnet1", "region": "westeurope", "addressPrefixes": ["10.0.0.0/16"],
               "subnets": [{"name": "default", "addressPrefix": "10.0.0.0/24"}], "connectedNetworks": ["10.1.0.0/16"],
               "privateDnsZoneLinked": false},
              {"name": "vnet2", "region": "westeurope", "addressPrefixes": ["10.1.0.0/16"],
               "subnets": [{"name": "default", "addressPrefix": "10.1.0.0/24"}], "connectedNetworks": ["10.0.0.0/16"]},
              {"name": "vnet3", "region": "westeurope", "addressPrefixes": ["10.2.0.0/16"],
               "subnets": [{"name": "default", "addressPrefix": "10.2.0.0/24"}], "connectedNetworks": []}
            ]}
            """;

    @Test
    void theNextStartRemovesWhatAKilledGatewayLeftAndAnUnlinkedZoneGivesVnet1ThePublicAnswer() throws Exception {
        NetnsHarness.assumeNamespacesWork();
        try (NetnsHarness harness = NetnsHarness.create()) {
            ChildJvm first = harness.startGateway();
            List<String> made = harness.leftovers();
            // per VNet: namespace, interface, /etc/netns, public front end and resolver addresses; contoso-pe's
            // address; 3 marks + vnets.json
            assertThat(made).hasSize(3 * 5 + 1 + 4)
                    .anyMatch(found -> found.matches("address 10\\.0\\.0\\.1/32 on rs[0-9a-f]{8}"));

            first.kill();
            assertThat(harness.leftovers()).as("SIGKILL runs no shutdown hook")
                    .containsExactlyInAnyOrderElementsOf(made);

            Path config = harness.directory.resolve("unlinked-zone.json");
            Files.writeString(config, UNLINKED_ZONE);
            try (ChildJvm second = harness.startGateway("--config", config.toString())) {
                assertThat(second.output()).anyMatch(line -> line.contains("left by gateway pid " + first.pid()));
                assertThat(harness.leftovers()).containsExactlyInAnyOrderElementsOf(made);

                Result lookup = harness.run(harness.vnetRun("vnet1"), "nslookup", "contoso.servicebus.windows.net");
                assertThat(lookup.output())
                        .contains("canonical name = ns-relaysim-prod.cloudapp.servicebus.windows.net.",
                        "Address: 10.0.0.1").doesNotContain("10.0.0.4");
                Result curl = harness.connectWithoutToken(harness.vnetRun("vnet1"));
                assertThat(curl.output()).as("the public endpoint answers, not connection refused")
                        .contains(NetnsHarness.IP_REFUSED).endsWith("\n401");
                // Asking the VNet's resolver itself (as the probe suggests) shows the chain: the public one.
                Result diagnosis = harness.probe("vnet1", "--dns", "10.0.0.2:53");
                assertThat(diagnosis.exitCode()).as(diagnosis.output()).isNotZero();
                assertThat(diagnosis.output())
                        .containsPattern("1\\. dns +FAIL .*= 10\\.0\\.0\\.1.*this is the public address")
                        .containsPattern("2\\. front-end +PASS +10\\.0\\.0\\.1:443");

                assertThat(second.terminate(Duration.ofSeconds(60))).isNotEqualTo(-1);
                assertThat(harness.leftovers()).isEmpty();
            }
        }
    }
}
