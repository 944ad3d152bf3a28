package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerStatusListener;
import dev.relaysim.relay.listener.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code listen --retry}: a listener in the VNet whose private endpoint is rejected keeps trying and is back once the
 * endpoint is approved again; with the SDKs' default it stops at the 401. (In relay-sender's tests for the seed's
 * Private Link scenario, {@link PrivateLinkSeed}.)
 */
@Timeout(90)
class ListenerRetryTest {

    private TestGateway gateway;
    private HybridConnectionListener listener;
    private final List<Throwable> reconnectCauses = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void withRetryForeverARejectedEndpointThatIsApprovedAgainBringsTheListenerBack() throws Exception {
        gateway = PrivateLinkSeed.start(ConnectionStatus.APPROVED, false);
        listener = listenerInTheVnet(RetryPolicy.forever());
        listener.open().get(20, TimeUnit.SECONDS);

        setEndpointStatus(ConnectionStatus.REJECTED);
        await().atMost(Duration.ofSeconds(30)).until(() -> reconnectCauses.stream().anyMatch(ListenerRetryTest::is401));
        assertThat(listener.isOnline()).isFalse();
        assertThat(listener.terminationFuture()).isNotDone();

        setEndpointStatus(ConnectionStatus.APPROVED);
        await().atMost(Duration.ofSeconds(40)).until(listener::isOnline);
        assertThat(listener.terminationFuture()).isNotDone();
    }

    @Test
    void withTheSdkDefaultTheListenerStopsAtThe401() throws Exception {
        gateway = PrivateLinkSeed.start(ConnectionStatus.APPROVED, false);
        listener = listenerInTheVnet(RetryPolicy.SDK_DEFAULT);
        listener.open().get(20, TimeUnit.SECONDS);

        setEndpointStatus(ConnectionStatus.REJECTED);

        await().atMost(Duration.ofSeconds(30)).until(() -> listener.terminationFuture().isDone());
        assertThat(listener.terminationFuture()).isCompletedExceptionally();
    }

    @Test
    void withRetryAGatewayThatIsNotUpYetDoesNotFailTheStartUntilTheAttemptsRunOut() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        listener = HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse("Endpoint=sb://127.0.0.1:" + closedPort
                        + "/;SharedAccessKeyName=" + KEY_NAME + ";SharedAccessKey=" + KEY + ";EntityPath=echo"))
                .retryPolicy(RetryPolicy.attempts(2))
                .connectionHandler((accept, connection) -> connection.close(1000, "not used"))
                .statusListener(recorder())
                .build();

        await().atMost(Duration.ofSeconds(20)).until(() -> listener.open().isDone());

        assertThat(reconnectCauses).hasSize(1);
        assertThat(listener.open()).isCompletedExceptionally();
    }

    private HybridConnectionListener listenerInTheVnet(RetryPolicy retryPolicy) throws Exception {
        return HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse("Endpoint=sb://" + PrivateLinkSeed.ENDPOINT + ':'
                        + gateway.addresses().tlsPort() + "/;SharedAccessKeyName=" + KEY_NAME + ";SharedAccessKey="
                        + KEY + ";EntityPath=echo"))
                .caCertificate(gateway.server().certificateAuthority().caCertificatePem())
                .sourceAddress(InetAddress.getByName(PrivateLinkSeed.VM))
                .retryPolicy(retryPolicy)
                .connectionHandler((accept, connection) -> connection.close(1000, "not used"))
                .statusListener(recorder())
                .build();
    }

    private ListenerStatusListener recorder() {
        return new ListenerStatusListener() {
            @Override
            public void reconnecting(Throwable cause, Duration delay) {
                reconnectCauses.add(cause);
            }
        };
    }

    private void setEndpointStatus(ConnectionStatus status) {
        gateway.server().networkState().update(model -> model.withNamespace("contoso", namespace ->
                new NamespaceNetwork("contoso", namespace.ruleSet(),
                        List.of(namespace.privateEndpoints().get(0).withStatus(status, "by the test")))));
    }

    private static boolean is401(Throwable cause) {
        return cause instanceof RelayHandshakeException refused && refused.statusCode() == 401;
    }
}
