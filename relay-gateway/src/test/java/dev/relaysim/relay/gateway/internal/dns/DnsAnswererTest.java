package dev.relaysim.relay.gateway.internal.dns;

import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.metrics.DnsAnswer;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Every answer of the split horizon, on the seed scenario (contoso behind a private endpoint in vnet1). */
class DnsAnswererTest {

    private static final Inet4Address VM = address("127.10.0.5");
    private static final Inet4Address ON_PREMISES = address("127.11.3.7");
    private static final Inet4Address OUTSIDE = address("127.0.0.1");
    private static final Inet4Address PUBLIC_FRONT_END = address("127.0.0.1");

    private final AtomicReference<NetworkModel> model = new AtomicReference<>(seed(endpoint(), vnet(true)));
    private final AtomicReference<DnsFaults> faults = new AtomicReference<>(DnsFaults.NONE);
    private final DnsAnswerer answerer = new DnsAnswerer(List.of(
            new NamespaceConfig("contoso", null, List.of(), List.of()),
            new NamespaceConfig("sandbox", null, List.of(), List.of()),
            new NamespaceConfig("elsewhere", "relay.example.com", List.of(), List.of())),
            model::get, PUBLIC_FRONT_END, faults::get);

    @Test
    void fromTheVnetTheChainEndsAtTheEndpointWithTtl10() {
        DnsAnswerer.Answer answer = ask("contoso.servicebus.windows.net.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.PRIVATE);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.response().getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answer.response().getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(lines(answer, Section.ANSWER)).containsExactly(
                "contoso.servicebus.windows.net.\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.",
                "contoso.privatelink.servicebus.windows.net.\t10\tIN\tA\t127.10.0.4");
    }

    @Test
    void asAVirtualNetworksResolverItSaysRecursionIsAvailableLikeAzureDns() {
        DnsAnswerer resolver = new DnsAnswerer(List.of(new NamespaceConfig("contoso", null, List.of(), List.of())),
                model::get, PUBLIC_FRONT_END, faults::get, true);
        Message recursive = query("contoso.servicebus.windows.net.", Type.A);
        Message iterative = query("contoso.servicebus.windows.net.", Type.A);
        iterative.getHeader().unsetFlag(Flags.RD);

        assertThat(resolver.answer(recursive, VM).response().getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(resolver.answer(iterative, VM).response().getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(lines(resolver.answer(recursive, VM), Section.ANSWER))
                .isEqualTo(lines(ask("contoso.servicebus.windows.net.", Type.A, VM), Section.ANSWER));
    }

    @Test
    void aConnectedNetworkGetsThePrivateAnswerToo() {
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, ON_PREMISES).kind()).isEqualTo(DnsAnswer.PRIVATE);
    }

    @Test
    void fromOutsideTheChainGoesThroughTheClusterHostToThePublicFrontEnd() {
        DnsAnswerer.Answer answer = ask("contoso.servicebus.windows.net.", Type.A, OUTSIDE);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.PUBLIC);
        assertThat(lines(answer, Section.ANSWER)).containsExactly(
                "contoso.servicebus.windows.net.\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.",
                "contoso.privatelink.servicebus.windows.net.\t60\tIN\tCNAME\t"
                        + "ns-relaysim-prod.cloudapp.servicebus.windows.net.",
                "ns-relaysim-prod.cloudapp.servicebus.windows.net.\t60\tIN\tA\t127.0.0.1");
    }

    @Test
    void aNamespaceWithoutEndpointsHasNoPrivateLinkHop() {
        DnsAnswerer.Answer answer = ask("sandbox.servicebus.windows.net.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.PUBLIC);
        assertThat(lines(answer, Section.ANSWER)).containsExactly(
                "sandbox.servicebus.windows.net.\t60\tIN\tCNAME\tns-relaysim-prod.cloudapp.servicebus.windows.net.",
                "ns-relaysim-prod.cloudapp.servicebus.windows.net.\t60\tIN\tA\t127.0.0.1");
        assertThat(ask("sandbox.privatelink.servicebus.windows.net.", Type.A, VM).kind())
                .isEqualTo(DnsAnswer.NXDOMAIN);
    }

    @Test
    void onANodeOfAClusterThePublicChainEndsInTheLiveNodesWithTtl10AndPrivateAnswersStay() {
        AtomicReference<List<Inet4Address>> nodes = new AtomicReference<>(List.of(address("127.0.1.2"),
                address("127.0.1.1")));
        DnsAnswerer node = new DnsAnswerer(List.of(new NamespaceConfig("contoso", null, List.of(), List.of()),
                new NamespaceConfig("sandbox", null, List.of(), List.of())), model::get, PUBLIC_FRONT_END,
                nodes::get, faults::get, false);

        assertThat(lines(node.answer(query("sandbox.servicebus.windows.net.", Type.A), OUTSIDE), Section.ANSWER))
                .containsExactly(
                "sandbox.servicebus.windows.net.\t60\tIN\tCNAME\tns-relaysim-prod.cloudapp.servicebus.windows.net.",
                "ns-relaysim-prod.cloudapp.servicebus.windows.net.\t10\tIN\tA\t127.0.1.2",
                "ns-relaysim-prod.cloudapp.servicebus.windows.net.\t10\tIN\tA\t127.0.1.1");
        assertThat(lines(node.answer(query("contoso.servicebus.windows.net.", Type.A), VM), Section.ANSWER))
                .isEqualTo(lines(ask("contoso.servicebus.windows.net.", Type.A, VM), Section.ANSWER));

        nodes.set(List.of());
        assertThat(lines(node.answer(query("sandbox.servicebus.windows.net.", Type.A), OUTSIDE), Section.ANSWER))
                .last().isEqualTo("ns-relaysim-prod.cloudapp.servicebus.windows.net.\t60\tIN\tA\t127.0.0.1");
    }

    @Test
    void thePrivateLinkNameAnswersDirectly() {
        assertThat(lines(ask("contoso.privatelink.servicebus.windows.net.", Type.A, VM), Section.ANSWER))
                .containsExactly("contoso.privatelink.servicebus.windows.net.\t10\tIN\tA\t127.10.0.4");
    }

    @Test
    void namesAreMatchedIgnoringCaseAndTheQuestionKeepsItsCase() {
        DnsAnswerer.Answer answer = ask("CONTOSO.ServiceBus.Windows.NET.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.PRIVATE);
        assertThat(answer.response().getQuestion().getName().toString()).isEqualTo("CONTOSO.ServiceBus.Windows.NET.");
    }

    @Test
    void endpointsThatAreNotApprovedGiveThePublicChain() {
        for (ConnectionStatus status : List.of(ConnectionStatus.PENDING, ConnectionStatus.REJECTED,
                ConnectionStatus.DISCONNECTED)) {
            model.set(seed(endpoint().withStatus(status, "test"), vnet(true)));
            assertThat(ask("contoso.servicebus.windows.net.", Type.A, VM).kind()).as("%s", status)
                    .isEqualTo(DnsAnswer.PUBLIC);
        }
    }

    @Test
    void withoutAPrivateDnsZoneGroupTheVnetGetsThePublicChain() {
        PrivateEndpoint endpoint = endpoint();
        model.set(seed(new PrivateEndpoint(endpoint.name(), endpoint.region(), endpoint.virtualNetwork(),
                endpoint.subnet(), endpoint.privateIpAddress(), endpoint.status(), endpoint.description(), false,
                false), vnet(true)));
        assertThat(lines(ask("contoso.servicebus.windows.net.", Type.A, VM), Section.ANSWER))
                .last().isEqualTo("ns-relaysim-prod.cloudapp.servicebus.windows.net.\t60\tIN\tA\t127.0.0.1");
    }

    @Test
    void aVnetNotLinkedToTheZoneGetsThePublicChain() {
        model.set(seed(endpoint(), vnet(false)));
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, VM).kind()).isEqualTo(DnsAnswer.PUBLIC);
    }

    @Test
    void networkChangesShowInTheNextAnswer() {
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, VM).kind()).isEqualTo(DnsAnswer.PRIVATE);
        model.set(model.get().withNamespace("contoso", ns -> new NamespaceNetwork("contoso", ns.ruleSet(),
                List.of())));
        DnsAnswerer.Answer answer = ask("contoso.servicebus.windows.net.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.PUBLIC);
        assertThat(lines(answer, Section.ANSWER)).hasSize(2);
    }

    @Test
    void aStaleRecordAnswersTheOldAddress() {
        faults.set(new DnsFaults(Map.of("Contoso", address("127.10.0.9")), Set.of()));
        assertThat(lines(ask("contoso.servicebus.windows.net.", Type.A, VM), Section.ANSWER))
                .last().isEqualTo("contoso.privatelink.servicebus.windows.net.\t10\tIN\tA\t127.10.0.9");
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, OUTSIDE).kind()).isEqualTo(DnsAnswer.PUBLIC);
    }

    @Test
    void aMissingRecordMakesThePrivateLinkNameNxdomainInTheVnet() {
        faults.set(new DnsFaults(Map.of(), Set.of("contoso")));
        DnsAnswerer.Answer answer = ask("contoso.servicebus.windows.net.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.NXDOMAIN);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(lines(answer, Section.ANSWER)).containsExactly(
                "contoso.servicebus.windows.net.\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.");
        assertThat(lines(answer, Section.AUTHORITY)).containsExactly("privatelink.servicebus.windows.net.\t10\tIN\t"
                + "SOA\tazureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10");
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, OUTSIDE).kind()).isEqualTo(DnsAnswer.PUBLIC);
    }

    @Test
    void unknownNamesInTheZonesAreNxdomainWithTheSoa() {
        DnsAnswerer.Answer answer = ask("nosuchns.servicebus.windows.net.", Type.A, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.NXDOMAIN);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answer.response().getSection(Section.ANSWER)).isEmpty();
        assertThat(lines(answer, Section.AUTHORITY)).containsExactly("servicebus.windows.net.\t10\tIN\tSOA\t"
                + "ns1-201.azure-dns.com. azuredns-hostmaster.microsoft.com. 1 3600 300 2419200 10");
        assertThat(ask("a.contoso.privatelink.servicebus.windows.net.", Type.A, VM).kind())
                .isEqualTo(DnsAnswer.NXDOMAIN);
        assertThat(ask("nosuchns.privatelink.servicebus.windows.net.", Type.A, VM).kind())
                .isEqualTo(DnsAnswer.NXDOMAIN);
    }

    @Test
    void namesOutsideTheZonesAreRefused() {
        for (String name : List.of("example.com.", "windows.net.", "relay.example.com.", ".")) {
            DnsAnswerer.Answer answer = ask(name, Type.A, VM);
            assertThat(answer.kind()).as(name).isEqualTo(DnsAnswer.REFUSED);
            assertThat(answer.response().getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(answer.response().getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(answer.response().getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void otherTypesGetTheChainAndNoData() {
        DnsAnswerer.Answer answer = ask("contoso.servicebus.windows.net.", Type.AAAA, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.NODATA);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(lines(answer, Section.ANSWER)).containsExactly(
                "contoso.servicebus.windows.net.\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.");
        assertThat(lines(answer, Section.AUTHORITY)).hasSize(1).first().asString().contains("SOA");
        for (int type : new int[] {Type.AAAA, Type.MX, Type.TXT, Type.NS}) {
            assertThat(ask("ns-relaysim-prod.cloudapp.servicebus.windows.net.", type, VM).kind())
                    .isEqualTo(DnsAnswer.NODATA);
        }
        assertThat(ask("cloudapp.servicebus.windows.net.", Type.A, VM).kind()).isEqualTo(DnsAnswer.NODATA);
    }

    @Test
    void aCnameQueryGetsTheFirstCnameOnly() {
        assertThat(lines(ask("contoso.servicebus.windows.net.", Type.CNAME, VM), Section.ANSWER)).containsExactly(
                "contoso.servicebus.windows.net.\t60\tIN\tCNAME\tcontoso.privatelink.servicebus.windows.net.");
    }

    @Test
    void theApexesHaveTheirSoa() {
        assertThat(lines(ask("servicebus.windows.net.", Type.SOA, VM), Section.ANSWER)).singleElement()
                .asString().startsWith("servicebus.windows.net.\t10\tIN\tSOA\tns1-201.azure-dns.com.");
        assertThat(lines(ask("privatelink.servicebus.windows.net.", Type.SOA, VM), Section.ANSWER)).singleElement()
                .asString().startsWith("privatelink.servicebus.windows.net.\t10\tIN\tSOA\tazureprivatedns.net.");
    }

    @Test
    void otherClassesAreRefusedAndOtherOpcodesNotImplemented() {
        Message chaos = Message.newQuery(Record.newRecord(Name.fromConstantString("version.bind."), Type.TXT,
                DClass.CH));
        assertThat(answerer.answer(chaos, VM).response().getRcode()).isEqualTo(Rcode.REFUSED);
        Message update = Message.newQuery(Record.newRecord(Name.fromConstantString("contoso.servicebus.windows.net."),
                Type.A, DClass.IN));
        update.getHeader().setOpcode(Opcode.UPDATE);
        DnsAnswerer.Answer answer = answerer.answer(update, VM);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.REFUSED);
    }

    @Test
    void theIdRecursionDesiredAndEdnsAreEchoed() {
        Message query = query("contoso.servicebus.windows.net.", Type.A);
        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Message response = answerer.answer(query, VM).response();
        assertThat(response.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(response.getOPT().getPayloadSize()).isEqualTo(DnsAnswerer.EDNS_PAYLOAD);
        assertThat(answerer.answer(query("contoso.servicebus.windows.net.", Type.A), VM).response().getOPT())
                .isNull();
    }

    @Test
    void aQueryWithoutOneQuestionIsFormerr() {
        Message empty = new Message(1234);
        DnsAnswerer.Answer answer = answerer.answer(empty, VM);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.FORMERR);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(answer.response().getHeader().getID()).isEqualTo(1234);
    }

    @Test
    void malformedPacketsWithAReadableHeaderAreFormerr() {
        byte[] packet = query("contoso.servicebus.windows.net.", Type.A).toWire();
        byte[] truncated = Arrays.copyOf(packet, packet.length - 3);
        DnsAnswerer.Answer answer = answerer.answer(truncated, VM).orElseThrow();
        assertThat(answer.kind()).isEqualTo(DnsAnswer.FORMERR);
        assertThat(answer.response().getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(answer.response().getHeader().getID()).isEqualTo(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
        assertThat(answer.response().getHeader().getFlag(Flags.QR)).isTrue();
    }

    @Test
    void shortPacketsAndResponsesAreDropped() {
        assertThat(answerer.answer(new byte[11], VM)).isEmpty();
        assertThat(answerer.answer(new byte[0], VM)).isEmpty();
        byte[] response = answerer.answer(query("contoso.servicebus.windows.net.", Type.A), VM).response().toWire();
        assertThat(answerer.answer(response, VM)).isEmpty();
    }

    @Test
    @Timeout(30)
    void thousandsOfRandomAndMutatedPacketsAreAnsweredOrDroppedAndWritable() {
        Random random = new Random(42);
        byte[] valid = query("contoso.servicebus.windows.net.", Type.A).toWire();
        for (int i = 0; i < 20000; i++) {
            byte[] packet = BadPackets.next(random, valid, i);
            answerer.answer(packet, VM).ifPresent(answer -> {
                assertThat(answer.response().toWire(512).length).isLessThanOrEqualTo(512);
                assertThat(answer.response().toWire()).isNotEmpty();
            });
        }
        assertThat(ask("contoso.servicebus.windows.net.", Type.A, VM).kind()).isEqualTo(DnsAnswer.PRIVATE);
    }

    @Test
    void wellFormedPacketsAreAnsweredFromBytes() {
        byte[] packet = query("contoso.servicebus.windows.net.", Type.A).toWire();
        assertThat(answerer.answer(packet, VM).orElseThrow().kind()).isEqualTo(DnsAnswer.PRIVATE);
    }

    private DnsAnswerer.Answer ask(String name, int type, InetAddress source) {
        return answerer.answer(query(name, type), source);
    }

    private static Message query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    }

    private static List<String> lines(DnsAnswerer.Answer answer, int section) {
        return answer.response().getSection(section).stream().map(Record::toString).toList();
    }

    private static PrivateEndpoint endpoint() {
        return new PrivateEndpoint("contoso-pe", "westeurope", "vnet1", "default", address("127.10.0.4"),
                ConnectionStatus.APPROVED, "Auto-Approved", false);
    }

    private static VirtualNetwork vnet(boolean zoneLinked) {
        return new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))),
                List.of(Ipv4Prefix.parse("127.11.0.0/16")), zoneLinked);
    }

    private static NetworkModel seed(PrivateEndpoint endpoint, VirtualNetwork network) {
        return new NetworkModel(List.of(network), List.of(
                new NamespaceNetwork("contoso", NetworkRuleSet.OPEN, List.of(endpoint)),
                NamespaceNetwork.open("sandbox")));
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
