package dev.relaysim.relay.gateway.internal.netns;

import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VnetPlanTest {

    private static final VnetLayout LAYOUT = new VnetLayout("relaysim-", Path.of("/run/relaysim/netns"),
            Path.of("/etc/netns"));

    @Test
    void theEmbeddedNetnsConfigGivesAzuresDocumentedAddresses() throws Exception {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of("HOME", "/tmp"), ConfigLoader.Embedded.NETNS);

        List<VnetsFile.Vnet> vnets = VnetPlan.of(config.networkModel(), LAYOUT).stream().map(VnetsFile.Vnet::of)
                .toList();

        assertThat(config.listen().tlsPort()).isEqualTo(443);
        assertThat(vnets).containsExactly(
                new VnetsFile.Vnet("vnet1", "relaysim-vnet1", List.of("10.0.0.0/16"), "10.0.0.0/24", "10.0.0.5",
                        "10.0.0.2", "10.0.0.1", List.of("10.0.0.4"), List.of()),
                new VnetsFile.Vnet("vnet2", "relaysim-vnet2", List.of("10.1.0.0/16"), "10.1.0.0/24", "10.1.0.5",
                        "10.1.0.2", "10.1.0.1", List.of(), List.of("10.0.0.4")),
                new VnetsFile.Vnet("vnet3", "relaysim-vnet3", List.of("10.2.0.0/16"), "10.2.0.0/24", "10.2.0.5",
                        "10.2.0.2", "10.2.0.1", List.of(), List.of()));
    }

    @Test
    void hostInterfaceNamesFitTheKernelsFifteenCharacters() {
        String name = VnetLayout.hostInterface("relaysim-t0a1b2c-a-rather-long-virtual-network-name");

        assertThat(name).matches("rs[0-9a-f]{8}").isNotEqualTo(VnetLayout.hostInterface("relaysim-vnet1"));
    }

    @Test
    void anotherMachineNeedsAFreeAddressOfTheSubnet() throws Exception {
        VnetsFile.Vnet vnet1 = new VnetsFile.Vnet("vnet1", "relaysim-vnet1", List.of("10.0.0.0/16"), "10.0.0.0/24",
                "10.0.0.5", "10.0.0.2", "10.0.0.1", List.of("10.0.0.4"), List.of());

        VnetPlan machine = VnetPlan.machine(vnet1, address("10.0.0.7"));

        assertThat(machine.namespace()).isEqualTo("relaysim-vnet1-10-0-0-7");
        assertThat(machine.addressWithLength()).isEqualTo("10.0.0.7/24");
        assertThat(machine.endpoints()).isEmpty();
        assertThat(machine.publicFrontEnd().getHostAddress()).isEqualTo("10.0.0.1");
        for (String taken : List.of("10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.255", "10.0.1.7")) {
            assertThatThrownBy(() -> VnetPlan.machine(vnet1, address(taken)))
                    .hasMessageStartingWith("--address: " + taken + " (expected: a free address of vnet1's subnet");
        }
    }

    @Test
    void aPrefixMustBeANamePart() {
        assertThatThrownBy(() -> VnetLayout.fromEnvironment(Map.of(VnetLayout.PREFIX_ENV, "Bad Prefix")))
                .hasMessage("RELAYSIM_NETNS_PREFIX: \"Bad Prefix\" (expected: lower-case letters, digits and dashes, "
                        + "at most 40)");
    }

    private static Inet4Address address(String literal) throws Exception {
        return (Inet4Address) InetAddress.getByName(literal);
    }
}
