package dev.relaysim.relay.gateway.cli;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import dev.relaysim.relay.gateway.GatewayAddresses;

/** What the banner says about namespaces behind private endpoints. */
@Timeout(60)
class GatewayBannerTest {

    @Test
    void bannerTellsWhichSourcesReachContosoAndHow() {
        GatewayAddresses addresses = new GatewayAddresses(new InetSocketAddress("127.0.0.1", 9443),
                new InetSocketAddress("127.0.0.1", 9080),
                IntStream.rangeClosed(9400, 9599).mapToObj(port -> new InetSocketAddress("127.0.0.1", port)).toList(),
                null);
        try (TestGateway gateway = TestGateway.builder().management(false).start()) {
            String banner = GatewayBanner.render(ConfigLoader.defaults(), addresses,
                    gateway.server().certificateAuthority());

            String connectionString = "Endpoint=sb://127.10.0.4:9443/;SharedAccessKeyName=" + DevDefaults.KEY_NAME
                    + ";SharedAccessKey=" + DevDefaults.KEY + ";EntityPath=echo";
            assertThat(banner)
                    .contains("Private Link: contoso (public network access Disabled; only through its private "
                            + "endpoints)\n")
                    .contains("  contoso-pe  127.10.0.4 (Approved), reachable from vnet1 [127.10.0.0/16]\n")
                    .contains("    ./relaysim listen --echo --connection-string \"" + connectionString
                            + "\" --source-address 127.10.0.5\n")
                    .contains("    ./relaysim send --message hello --connection-string \"" + connectionString
                            + "\" --source-address 127.10.0.5\n")
                    .doesNotContain("Private Link: sandbox");
            assertThat(List.of(banner.split("\n"))).filteredOn(line -> line.contains("Private Link:")).hasSize(1);
        }
    }

    @Test
    void bannerShowsHowToAskTheDnsResponder() {
        List<InetSocketAddress> rendezvous = IntStream.rangeClosed(9400, 9599)
                .mapToObj(port -> new InetSocketAddress("127.0.0.1", port)).toList();
        GatewayAddresses addresses = new GatewayAddresses(new InetSocketAddress("127.0.0.1", 9443),
                null, rendezvous, null, new InetSocketAddress("127.0.0.1", 1053));
        try (TestGateway gateway = TestGateway.builder().management(false).start()) {
            String banner = GatewayBanner.render(ConfigLoader.defaults(), addresses,
                    gateway.server().certificateAuthority());
            assertThat(banner).contains("  DNS              dig @127.0.0.1 -p 1053 contoso.servicebus.windows.net  "
                    + "(split horizon, UDP and TCP; -b <VNet address> for the private answer)\n");
            GatewayAddresses tlsOnly = new GatewayAddresses(addresses.tls().orElseThrow(), null, rendezvous, null);
            String withoutDns = GatewayBanner.render(ConfigLoader.defaults(), tlsOnly,
                    gateway.server().certificateAuthority());
            assertThat(withoutDns).doesNotContain("dig @");
        }
    }

    @Test
    void bannerNamesTheAdvertisedHostAndPortsInEndpointsAndConnectionStrings() throws Exception {
        List<InetSocketAddress> rendezvous = IntStream.rangeClosed(9400, 9599)
                .mapToObj(port -> new InetSocketAddress("0.0.0.0", port)).toList();
        GatewayAddresses addresses = new GatewayAddresses(new InetSocketAddress("0.0.0.0", 9443),
                new InetSocketAddress("0.0.0.0", 9080), rendezvous,
                new InetSocketAddress("0.0.0.0", 9390));
        GatewayConfig config = ConfigLoader.load(null, Map.of("bind-address", "0.0.0.0",
                "advertised-host", "relay.example", "advertised-tls-port", "19443", "advertised-plain-port", "19080",
                "advertised-rendezvous-ports", "29400-29599"), Map.of());
        try (TestGateway gateway = TestGateway.builder().management(false).start()) {
            String banner = GatewayBanner.render(config, addresses, gateway.server().certificateAuthority());

            assertThat(banner)
                    .contains("  TLS front end    wss://relay.example:19443/$hc/<hybrid connection>")
                    .contains("  plain front end  ws://relay.example:19080/$hc/<hybrid connection>")
                    .contains("  rendezvous       relay.example:29400-29599 (g0..g199, ws or wss), bound on "
                            + "0.0.0.0:9400-9599\n")
                    .contains("Endpoint=sb://relay.example:19443/;SharedAccessKeyName=" + DevDefaults.KEY_NAME)
                    .contains("  over HTTP    http://relay.example:9390/relaysim/ca.pem  (no key needed)\n");
        }
    }
}
