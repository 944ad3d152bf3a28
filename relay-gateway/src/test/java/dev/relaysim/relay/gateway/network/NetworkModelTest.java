package dev.relaysim.relay.gateway.network;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed scenario's network (contoso behind a private endpoint) and each rule of the decision order. */
class NetworkModelTest {

    private static final VirtualNetwork VNET1 = new VirtualNetwork("vnet1", "westeurope",
            List.of(Ipv4Prefix.parse("127.10.0.0/16")),
            List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))),
            List.of(Ipv4Prefix.parse("127.11.0.0/16")));
    private static final PrivateEndpoint CONTOSO_PE = new PrivateEndpoint("contoso-pe", "westeurope", "vnet1",
            "default", address("127.10.0.4"), ConnectionStatus.APPROVED, "Auto-Approved", false);
    private static final NetworkRuleSet PRIVATE_ONLY = new NetworkRuleSet(PublicNetworkAccess.DISABLED,
            DefaultAction.ALLOW, List.of(), false);
    private static final InetAddress PUBLIC_FRONT_END = address("127.0.0.1");
    private static final InetAddress ENDPOINT = address("127.10.0.4");

    private static NetworkModel seed(ConnectionStatus status) {
        return new NetworkModel(List.of(VNET1), List.of(
                new NamespaceNetwork("contoso", PRIVATE_ONLY, List.of(CONTOSO_PE.withStatus(status, "test"))),
                NamespaceNetwork.open("sandbox")));
    }

    @Test
    void privateTrafficFromTheVnetThroughAnApprovedEndpointIsAdmitted() {
        assertThat(seed(ConnectionStatus.APPROVED).admit("contoso", ENDPOINT, address("127.10.0.5")))
                .isEqualTo(new Admission.Allowed("private endpoint contoso-pe of contoso (Approved)"));
    }

    @Test
    void aConnectedNetworkReachesTheEndpointToo() {
        assertThat(seed(ConnectionStatus.APPROVED).admit("contoso", ENDPOINT, address("127.11.3.7")))
                .isInstanceOf(Admission.Allowed.class);
    }

    @Test
    void sourcesOutsideTheVnetAndItsConnectedNetworksCannotReachTheEndpoint() {
        assertThat(seed(ConnectionStatus.APPROVED).admit("contoso", ENDPOINT, address("127.0.0.1")))
                .isEqualTo(new Admission.Refused("127.0.0.1 is outside virtual network vnet1 and the networks "
                        + "connected to it, so it cannot reach private endpoint contoso-pe of contoso"));
    }

    @Test
    void pendingRejectedAndDisconnectedEndpointsRefuse() {
        for (ConnectionStatus status : List.of(ConnectionStatus.PENDING, ConnectionStatus.REJECTED,
                ConnectionStatus.DISCONNECTED)) {
            assertThat(seed(status).admit("contoso", ENDPOINT, address("127.10.0.5")))
                    .isEqualTo(new Admission.Refused("private endpoint contoso-pe of contoso is " + status));
        }
    }

    @Test
    void anEndpointLeadsOnlyToItsOwnNamespace() {
        assertThat(seed(ConnectionStatus.APPROVED).admit("sandbox", ENDPOINT, address("127.10.0.5")))
                .isEqualTo(new Admission.Refused("private endpoint contoso-pe of contoso does not lead to namespace "
                        + "sandbox"));
    }

    @Test
    void publicTrafficIsRefusedWhenPublicAccessIsDisabled() {
        NetworkModel model = seed(ConnectionStatus.APPROVED);
        assertThat(model.admit("contoso", PUBLIC_FRONT_END, address("127.10.0.5")))
                .isEqualTo(new Admission.Refused("public network access is Disabled and the connection came from "
                        + "the public network (127.10.0.5 to 127.0.0.1)"));
        assertThat(model.admit("sandbox", PUBLIC_FRONT_END, address("127.0.0.1")))
                .isEqualTo(new Admission.Allowed("no IP rule matched and defaultAction is Allow"));
    }

    @Test
    void securedByPerimeterIsTreatedAsDisabled() {
        NetworkModel model = new NetworkModel(List.of(), List.of(new NamespaceNetwork("contoso",
                new NetworkRuleSet(PublicNetworkAccess.SECURED_BY_PERIMETER, DefaultAction.ALLOW, List.of(), true),
                List.of())));
        assertThat(model.admit("contoso", PUBLIC_FRONT_END, address("127.0.0.1")))
                .isInstanceOf(Admission.Refused.class);
    }

    @Test
    void ipRulesMatchFirstThenTheDefaultActionThenTrustedServices() {
        NetworkRuleSet rules = new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                List.of(Ipv4Prefix.parse("127.0.0.2"), Ipv4Prefix.parse("127.0.3.0/24")), false);
        NetworkModel model = new NetworkModel(List.of(), List.of(new NamespaceNetwork("sandbox", rules, List.of())));

        assertThat(model.admit("sandbox", PUBLIC_FRONT_END, address("127.0.0.2")))
                .isEqualTo(new Admission.Allowed("IP rule 1 (127.0.0.2/32) matched 127.0.0.2"));
        assertThat(model.admit("sandbox", PUBLIC_FRONT_END, address("127.0.3.9")))
                .isEqualTo(new Admission.Allowed("IP rule 2 (127.0.3.0/24) matched 127.0.3.9"));
        assertThat(model.admit("sandbox", PUBLIC_FRONT_END, address("127.0.0.3")))
                .isEqualTo(new Admission.Refused("no IP rule matched 127.0.0.3 and defaultAction is Deny"));

        NetworkModel trusting = model.withNamespace("sandbox", namespace -> new NamespaceNetwork("sandbox",
                new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY, rules.ipRules(), true),
                List.of()));
        assertThat(trusting.admit("sandbox", PUBLIC_FRONT_END, address("127.0.0.3")))
                .isEqualTo(new Admission.TrustedServicesOnly("no IP rule matched 127.0.0.3 and defaultAction is "
                        + "Deny; trusted services may bypass"));
    }

    @Test
    void anEndpointsRegionMustBeItsVnetsRegion() {
        PrivateEndpoint elsewhere = new PrivateEndpoint("pe", "eastus", "vnet1", "default", address("127.10.0.4"),
                ConnectionStatus.APPROVED, "", false);
        assertThatThrownBy(() -> new NetworkModel(List.of(VNET1),
                List.of(new NamespaceNetwork("contoso", PRIVATE_ONLY, List.of(elsewhere)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespaces.contoso.privateEndpoints.pe.region: \"eastus\" (expected: \"westeurope\", the "
                        + "region of virtual network vnet1)");
    }

    @Test
    void endpointsNeedAnExistingSubnetAndAnAssignableUnusedAddress() {
        assertThatThrownBy(() -> endpointAt("default", "127.10.0.3"))
                .hasMessageContaining(
                        "privateIpAddress: 127.10.0.3 (expected: an assignable address of subnet default");
        assertThatThrownBy(() -> endpointAt("default", "127.10.1.4"))
                .hasMessageContaining("privateIpAddress: 127.10.1.4");
        assertThatThrownBy(() -> endpointAt("other", "127.10.0.4"))
                .hasMessage("namespaces.contoso.privateEndpoints.pe.subnet: \"other\" (expected: a subnet of vnet1: "
                        + "[default])");
        NetworkModel model = seed(ConnectionStatus.APPROVED);
        assertThatThrownBy(() -> model.withNamespace("sandbox", namespace -> new NamespaceNetwork("sandbox",
                NetworkRuleSet.OPEN, List.of(CONTOSO_PE))))
                .hasMessageContaining("127.10.0.4 (expected: an address no other endpoint uses; contoso-pe of contoso "
                        + "has it)");
    }

    @Test
    void addressesAreAllocatedAsAzureDoesFromTheFifthOn() {
        NetworkModel empty = new NetworkModel(List.of(VNET1), List.of());
        assertThat(empty.allocateAddress("vnet1", "default").getHostAddress()).isEqualTo("127.10.0.4");
        assertThat(seed(ConnectionStatus.APPROVED).allocateAddress("vnet1", "default").getHostAddress())
                .isEqualTo("127.10.0.5");
    }

    @Test
    void theSixtyFifthEndpointOfANamespaceIsRefused() {
        VirtualNetwork wide = new VirtualNetwork("wide", "westeurope", List.of(Ipv4Prefix.parse("127.20.0.0/16")),
                List.of(new Subnet("s", Ipv4Prefix.parse("127.20.0.0/24"))), List.of());
        List<PrivateEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < NamespaceNetwork.MAX_PRIVATE_ENDPOINTS; i++) {
            endpoints.add(new PrivateEndpoint("pe" + i, "westeurope", "wide", "s", address("127.20.0." + (4 + i)),
                    ConnectionStatus.APPROVED, "", false));
        }
        NetworkModel full = new NetworkModel(List.of(wide), List.of(new NamespaceNetwork("ns", NetworkRuleSet.OPEN,
                endpoints)));
        assertThat(full.privateEndpointsByAddress()).hasSize(64);

        List<PrivateEndpoint> oneMore = new ArrayList<>(endpoints);
        oneMore.add(new PrivateEndpoint("pe64", "westeurope", "wide", "s", address("127.20.0.200"),
                ConnectionStatus.APPROVED, "", false));
        assertThatThrownBy(() -> full.withNamespace("ns", namespace -> new NamespaceNetwork("ns", NetworkRuleSet.OPEN,
                oneMore)))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessage("namespaces.ns.privateEndpoints: 65 endpoints (expected: at most 64 private endpoints per "
                        + "namespace)");
    }

    @Test
    void theSixtyFifthNamespaceWithEndpointsIsRefused() {
        VirtualNetwork wide = new VirtualNetwork("wide", "westeurope", List.of(Ipv4Prefix.parse("127.20.0.0/16")),
                List.of(new Subnet("s", Ipv4Prefix.parse("127.20.0.0/24"))), List.of());
        List<NamespaceNetwork> namespaces = new ArrayList<>();
        for (int i = 0; i <= NetworkModel.MAX_NAMESPACES_WITH_PRIVATE_ENDPOINTS; i++) {
            namespaces.add(new NamespaceNetwork("ns" + i, NetworkRuleSet.OPEN, List.of(new PrivateEndpoint("pe",
                    "westeurope", "wide", "s", address("127.20.0." + (4 + i)), ConnectionStatus.APPROVED, "", false))));
        }
        assertThatThrownBy(() -> new NetworkModel(List.of(wide), namespaces))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("at most 64 namespaces with private endpoints per subscription");
        assertThat(new NetworkModel(List.of(wide), namespaces.subList(0, 64)).namespaces()).hasSize(64);
    }

    @Test
    void prefixesParseAndRefuseNonNetworkAddresses() {
        assertThat(Ipv4Prefix.parse("10.0.0.0/16").contains(address("10.0.255.1"))).isTrue();
        assertThat(Ipv4Prefix.parse("10.0.0.0/16").contains(address("10.1.0.1"))).isFalse();
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(address("8.8.8.8"))).isTrue();
        assertThat(Ipv4Prefix.parse("1.2.3.4")).hasToString("1.2.3.4/32");
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.0.0.1/16"))
                .hasMessage("10.0.0.1/16 (expected: a network address, e.g. 10.0.0.0/16)");
        for (String bad : List.of("", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "a.b.c.d", "::1")) {
            assertThatThrownBy(() -> Ipv4Prefix.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ruleSetsHoldAtMost128Rules() {
        List<Ipv4Prefix> rules = new ArrayList<>();
        for (int i = 0; i <= NetworkRuleSet.MAX_IP_RULES; i++) {
            rules.add(Ipv4Prefix.parse("127.0." + i + ".0/24"));
        }
        assertThatThrownBy(() -> new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY, rules, false))
                .hasMessage("ipRules: 129 rules (expected: at most 128)");
    }

    private static void endpointAt(String subnet, String ip) {
        new NetworkModel(List.of(VNET1), List.of(new NamespaceNetwork("contoso", PRIVATE_ONLY, List.of(
                new PrivateEndpoint("pe", "westeurope", "vnet1", subnet, address(ip), ConnectionStatus.APPROVED, "",
                        false)))));
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
