package dev.relaysim.junit;

import dev.relaysim.relay.gateway.embedded.LoopbackAddresses;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When gateways start and stop: the fixtures below run through the JUnit engine (EngineTestKit), record the handles
 * they were given, and this test checks them while and after they ran.
 */
@Timeout(120)
class RelaysimExtensionLifecycleTest {

    private static final List<Relaysim> seen = new ArrayList<>();
    private static final List<Boolean> listening = new ArrayList<>();

    @Test
    void perClassOneGatewayServesEveryTestAndStopsAfterTheClass() {
        run(PerClass.class);

        assertThat(seen).hasSize(3);
        assertThat(seen).allMatch(relaysim -> relaysim == seen.get(0));
        assertThat(listening).containsOnly(true);
        assertThat(acceptsConnections(seen.get(0))).as("after the class").isFalse();
    }

    @Test
    void perMethodEveryTestGetsAFreshGatewayOnItsOwnAddress() {
        run(PerMethod.class);

        assertThat(seen).hasSize(3);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).extracting(Relaysim::address).doesNotHaveDuplicates();
        assertThat(listening).containsOnly(true);
        assertThat(seen).noneMatch(RelaysimExtensionLifecycleTest::acceptsConnections);
    }

    @Test
    void aNestedClassSharesItsEnclosingClassGateway() {
        run(WithNested.class);

        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isSameAs(seen.get(0));
    }

    @Test
    void theAddressIsLoopbackAwayFromTheReservedBlocks() {
        run(PerMethod.class);

        for (Relaysim relaysim : seen) {
            byte[] bytes = relaysim.address().getAddress();
            assertThat(bytes[0]).isEqualTo((byte) 127);
            assertThat(bytes[1]).isNotIn((byte) 0, (byte) 10, (byte) 11);
            assertThat(relaysim.addresses().rendezvous()).hasSize(200);
            assertThat(relaysim.addresses().rendezvous().get(0).getPort()).isEqualTo(9400);
            assertThat(relaysim.dnsAddress().getAddress()).isEqualTo(relaysim.address());
        }
    }

    @Test
    void aTakenFixedAddressFailsNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.99.0.7", 9400));
            assertThat(EngineRuns.classFailure(FixedTakenAddress.class)).hasMessageContaining("127.99.0.7:9400");
        }
        assertThatThrownBy(() -> LoopbackAddresses.requireUsable("address", "127.0.0.1"))
                .hasMessageContaining("address: \"127.0.0.1\" (expected: an IPv4 address in 127.0.0.0/8 outside");
    }

    private static void run(Class<?> fixture) {
        seen.clear();
        listening.clear();
        EngineRuns.run(fixture).testEvents()
                .assertStatistics(stats -> stats.failed(0).succeeded(fixture == WithNested.class ? 2 : 3));
    }

    static void record(Relaysim relaysim) {
        seen.add(relaysim);
        listening.add(acceptsConnections(relaysim));
    }

    static boolean acceptsConnections(Relaysim relaysim) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(relaysim.address(), relaysim.tlsPort()), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @RelaysimTest
    static class PerClass {

        @Test
        void first(Relaysim relaysim) {
            record(relaysim);
        }

        @Test
        void second(Relaysim relaysim) {
            record(relaysim);
        }

        @Test
        void third(Relaysim relaysim) {
            record(relaysim);
        }
    }

    /** PerClass's three tests, each on a gateway of its own. */
    @RelaysimTest(lifecycle = RelaysimTest.Lifecycle.PER_METHOD)
    static class PerMethod extends PerClass {
    }

    @RelaysimTest
    static class WithNested {

        @Test
        void outer(Relaysim relaysim) {
            record(relaysim);
        }

        @Nested
        class Inner {

            @Test
            void inner(Relaysim relaysim) {
                record(relaysim);
            }
        }
    }

    @RelaysimTest(address = "127.99.0.7")
    static class FixedTakenAddress {

        @Test
        void never(Relaysim relaysim) {
            record(relaysim);
        }
    }
}
