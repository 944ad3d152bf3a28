package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway with advertised settings (as in a container, where clients use other addresses than the bound ones) names
 * the advertised host and the mapped rendezvous ports in accept and request addresses, ends public DNS answers at an
 * advertised IPv4 host and puts the advertised host into its certificate.
 */
@Timeout(60)
class AdvertisedAddressesIntegrationTest {

    private static final String HOST = "relay.example";
    private static final List<Integer> PUBLISHED = IntStream.range(0, TestGateway.DEFAULT_BLOCK)
            .mapToObj(instance -> 40000 + 3 * instance).toList();

    @RegisterExtension
    final GatewayExtension gateway = new GatewayExtension(builder -> builder.advertised(
            new AdvertisedSettings(HOST, 443, 80, PUBLISHED)));

    @Test
    void acceptAddressesNameTheAdvertisedHostAndTheMappedPort() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(true, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            WsPeer.connect(gw.httpClient(), gw.connectUri(true, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)));

            await().atMost(Duration.ofSeconds(20)).until(() -> !listener.accepts().isEmpty());
            URI address = URI.create(listener.accepts().get(0).address());
            assertThat(address.getScheme()).isEqualTo("wss");
            assertThat(address.getHost()).isEqualTo(HOST);
            assertThat(PUBLISHED).contains(address.getPort());
            assertThat(address.getRawPath()).isEqualTo("/$hc/" + ENTITY);
        }
    }

    @Test
    void requestAddressesNameTheAdvertisedHostAndTheMappedPort() throws Exception {
        TestGateway gw = gateway.get();
        try (TestListener listener = TestListener.connect(gw.httpClient(), gw.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            gw.httpClient().sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gw.addresses().plainPort() + '/' + ENTITY))
                    .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding());

            await().atMost(Duration.ofSeconds(20)).until(() -> !listener.otherCommands().isEmpty());
            assertThat(listener.otherCommands().get(0)).contains("\"address\":\"ws://" + HOST + ':');
            int port = Integer.parseInt(listener.otherCommands().get(0).replaceFirst(
                    "(?s).*\"address\":\"ws://" + HOST.replace(".", "\\.") + ":(\\d+)/.*", "$1"));
            assertThat(PUBLISHED).contains(port);
        }
    }

    @Test
    void publicDnsAnswersEndAtAnAdvertisedIpv4Host() throws Exception {
        try (TestGateway gw = TestGateway.builder().dns(true).management(false)
                .advertised(new AdvertisedSettings("127.0.4.99", 0, 0, List.of())).start()) {
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", gw.addresses().dnsPort()));
            resolver.setTimeout(Duration.ofSeconds(10));
            Message answer = resolver.send(Message.newQuery(Record.newRecord(
                    Name.fromConstantString(TestGateway.HOST + '.'), Type.A, DClass.IN)));

            assertThat(answer.getSection(Section.ANSWER)).filteredOn(record -> record.getType() == Type.A)
                    .singleElement().satisfies(record ->
                            assertThat(((ARecord) record).getAddress().getHostAddress()).isEqualTo("127.0.4.99"));
        }
    }

    @Test
    void theDevelopmentCertificateNamesTheAdvertisedHost() throws Exception {
        TestGateway gw = gateway.get();
        assertThat(gw.server().certificateAuthority().serverCertificate().getSubjectAlternativeNames())
                .anySatisfy(name -> assertThat(name.get(1)).isEqualTo(HOST));
    }
}
