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
 * classic mistake: inside, the name resolves to the public address, which the VNet's programs cannot use.
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
            assertThat(made).hasSize(3 * 3 + 4); // per VNet: namespace, interface, /etc/netns; 3 marks + vnets.json

            first.kill();
            assertThat(harness.leftovers()).as("SIGKILL runs no shutdown hook").containsExactlyInAnyOrderElementsOf(made);

            Path config = harness.directory.resolve("unlinked-zone.json");
            Files.writeString(config, UNLINKED_ZONE);
            try (ChildJvm second = harness.startGateway("--config", config.toString())) {
                assertThat(second.output()).anyMatch(line -> line.contains("left by gateway pid " + first.pid()));
                assertThat(harness.leftovers()).containsExactlyInAnyOrderElementsOf(made);

                Result lookup = harness.run(harness.vnetRun("vnet1"), "nslookup", "contoso.servicebus.windows.net");
                assertThat(lookup.output()).contains("canonical name = ns-relaysim-prod.cloudapp.servicebus.windows.net.",
                        "Address: 127.0.0.1").doesNotContain("10.0.0.4");
                Result diagnosis = harness.probe("vnet1");
                assertThat(diagnosis.exitCode()).as(diagnosis.output()).isNotZero();
                assertThat(diagnosis.output()).containsPattern("1\\. dns +PASS .*= 127\\.0\\.0\\.1")
                        .containsPattern("2\\. front-end +FAIL +127\\.0\\.0\\.1:443");

                assertThat(second.terminate(Duration.ofSeconds(60))).isNotEqualTo(-1);
                assertThat(harness.leftovers()).isEmpty();
            }
        }
    }
}
