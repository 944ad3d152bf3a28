package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.core.Hazelcast;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Without {@code cluster.members} the gateway is alone: no Hazelcast member, no cluster in {@code /health}. */
class SingleNodeTest {

    @Test
    @Timeout(60)
    void aGatewayWithoutClusterMembersStartsNoHazelcastAndRelaysAsBefore() throws Exception {
        try (TestGateway gateway = TestGateway.builder().isolatedAddress().management(true).start();
             TestListener listener = TestListener.connect(gateway.httpClient(),
                     gateway.listenUri(false, TestGateway.ENTITY), TestGateway.token(TestGateway.ENTITY),
                     new TestListener.Mode.Echo())) {
            assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
            assertThat(gateway.management("GET", "/health", null, null).body()).doesNotContain("cluster");
            assertThat(WsPeer.upgradeStatus(gateway.httpClient(), gateway.connectUri(false, TestGateway.ENTITY),
                    TestGateway.token(TestGateway.ENTITY))).isEqualTo(101);
            assertThat(listener.accepts()).singleElement()
                    .satisfies(accept -> assertThat(accept.address()).contains(gateway.host()));
            listener.control().sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }
}
