package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two sender builders: the options they share with the listener's, their own, and errors naming the value. */
@Timeout(30)
class SenderClientBuildersTest {

    private static final ConnectionString CONNECTION_STRING = ConnectionString.parse(
            "Endpoint=sb://relay.example:9443/;SharedAccessKeyName=RootManageSharedAccessKey;"
                    + "SharedAccessKey=c2VjcmV0;EntityPath=orders/eu");

    @Test
    void bothSendersNeedAnEndpointAndSayHowToGiveOne() {
        assertThatThrownBy(() -> HybridConnectionClient.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessage("endpoint (set connectionString or endpoint)");
        assertThatThrownBy(() -> HybridConnectionHttpClient.builder().build())
                .isInstanceOf(NullPointerException.class).hasMessage("endpoint (set connectionString or endpoint)");
    }

    @Test
    void theHttpClientsOwnTimeoutIsValidatedLikeTheSharedOnes() {
        assertThatThrownBy(() -> HybridConnectionHttpClient.builder().responseTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("responseTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> HybridConnectionHttpClient.builder().connectTimeout(Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("connectTimeout: PT-2S (expected: > 0)");
        assertThatThrownBy(() -> HybridConnectionClient.builder().tokenTimeToLive(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokenTimeToLive: PT0S (expected: >= 1 s)");
        assertThatThrownBy(() -> HybridConnectionClient.builder().clientConfig(null))
                .isInstanceOf(NullPointerException.class).hasMessage("clientConfig");
    }

    @Test
    void theConnectionStringGivesTheEndpointAndThePlainEndpointGivesHttp() {
        try (HybridConnectionHttpClient tls = HybridConnectionHttpClient.builder().connectionString(CONNECTION_STRING)
                .build();
             HybridConnectionHttpClient plain = HybridConnectionHttpClient.builder()
                     .endpoint(URI.create("http://127.0.0.1:9080"), "orders/eu", null).build();
             HybridConnectionClient webSockets = HybridConnectionClient.builder().connectionString(CONNECTION_STRING)
                     .build()) {
            RelayHttpRequest request = RelayHttpRequest.builder().pathSuffix("items").query("id=1").build();

            assertThat(tls.uri(request)).hasToString("https://relay.example:9443/orders/eu/items?id=1");
            assertThat(plain.uri(request)).hasToString("http://127.0.0.1:9080/orders/eu/items?id=1");
            assertThat(webSockets.endpoint()).isEqualTo(tls.endpoint());
        }
    }

    @Test
    void aTokenProviderThatFailsFailsTheConnectWithoutTouchingTheNetwork() {
        TokenProvider failing = (audience, validFor) -> {
            throw new IllegalStateException("no key for " + audience + " valid " + validFor);
        };
        try (HybridConnectionClient client = HybridConnectionClient.builder()
                .endpoint(URI.create("wss://relay.example"), "orders", failing)
                .tokenTimeToLive(Duration.ofMinutes(5)).build()) {
            CompletableFuture<?> connecting = client.connect();

            assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessage("no key for http://relay.example/orders/ valid PT5M");
        }
    }

    @Test
    void aBorrowedEventLoopGroupOutlivesTheClients() {
        EventLoopGroup group = EventLoops.newGroup("builders-test", 1);
        try {
            HybridConnectionClient.builder().connectionString(CONNECTION_STRING).eventLoopGroup(group).build().close();
            HybridConnectionHttpClient.builder().connectionString(CONNECTION_STRING).eventLoopGroup(group).build()
                    .close();

            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            EventLoops.shutdown(group, Duration.ofSeconds(2));
        }
    }
}
