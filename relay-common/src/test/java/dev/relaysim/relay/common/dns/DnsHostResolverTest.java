package dev.relaysim.relay.common.dns;

import dev.relaysim.relay.common.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resolution through a chosen DNS server, asked from a chosen source address, against a split-horizon test server. */
@Timeout(30)
class DnsHostResolverTest {

    private static final String HOST = "contoso.servicebus.windows.net";
    private static final String PRIVATE_LINK = "contoso.privatelink.servicebus.windows.net";
    private static final String CLUSTER = "ns-relaysim-g0.cloudapp.net";

    private static TestDnsServer server;

    @BeforeAll
    static void start() {
        server = new TestDnsServer((name, querier) -> {
            if (!name.equals(TestDnsServer.name(HOST))) {
                return null;
            }
            return querier.getHostAddress().startsWith("127.10.")
                    ? TestDnsServer.chain(HOST, PRIVATE_LINK, "127.10.0.4")
                    : TestDnsServer.chain(HOST, PRIVATE_LINK, CLUSTER, "127.0.0.1");
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    void fromInsideTheVnetTheChainEndsAtThePrivateEndpoint() throws Exception {
        InetAddress vm = InetAddress.getByName("127.10.0.5");
        DnsHostResolver resolver = new DnsHostResolver(server.address(), vm);

        DnsResolution resolution = resolver.resolve(HOST).get(10, TimeUnit.SECONDS);

        assertThat(resolution.chain()).containsExactly(HOST, PRIVATE_LINK);
        assertThat(resolution.address()).isEqualTo(InetAddress.getByName("127.10.0.4"));
        assertThat(resolution.ttl()).isEqualTo(10);
        assertThat(resolution).hasToString(HOST + " -> " + PRIVATE_LINK + " = 127.10.0.4");
        assertThat(server.queriers()).contains(vm);
    }

    @Test
    void fromElsewhereTheChainGoesOnToThePublicAddress() throws Exception {
        DnsHostResolver resolver = new DnsHostResolver(server.address(), null);

        DnsResolution resolution = resolver.resolve(HOST + ".").get(10, TimeUnit.SECONDS);

        assertThat(resolution.chain()).containsExactly(HOST, PRIVATE_LINK, CLUSTER);
        assertThat(resolver.resolve(HOST, 9443).get(10, TimeUnit.SECONDS))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9443));
    }

    @Test
    void anUnknownNameFailsSayingWhatTheServerAnswered() {
        DnsHostResolver resolver = new DnsHostResolver(server.address(), null);

        assertThatThrownBy(() -> resolver.resolve("nope.servicebus.windows.net").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UnknownHostException.class)
                .hasMessage("nope.servicebus.windows.net: no such name (NXDOMAIN) from the DNS server "
                        + server.hostPort());
    }

    @Test
    void anIpLiteralNeedsNoQuery() throws Exception {
        DnsHostResolver resolver = new DnsHostResolver(server.address(), null);

        DnsResolution resolution = resolver.resolve("127.10.0.4").get(1, TimeUnit.SECONDS);

        assertThat(resolution.chain()).containsExactly("127.10.0.4");
        assertThat(resolution.addresses()).containsExactly(InetAddress.getByName("127.10.0.4"));
    }

    @Test
    void parsesTheDnsOption() {
        assertThat(DnsHostResolver.parseServer(" 127.0.0.1:1053 ")).isEqualTo(new InetSocketAddress("127.0.0.1", 1053));
        assertThat(DnsHostResolver.parseServer("[::1]:53").getPort()).isEqualTo(53);
        for (String bad : List.of("127.0.0.1", "localhost:53", "127.0.0.1:0", "127.0.0.1:x", ":53")) {
            assertThatThrownBy(() -> DnsHostResolver.parseServer(bad))
                    .hasMessage("--dns: \"" + bad + "\" (expected: IP:PORT of a DNS server, such as 127.0.0.1:1053)");
        }
    }
}
