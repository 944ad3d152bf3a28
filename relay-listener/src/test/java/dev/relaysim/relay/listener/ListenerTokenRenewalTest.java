package dev.relaysim.relay.listener;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.control.ControlChannelHandler;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token renewal against a gateway that closes control channels 1 s after their token expired unrenewed: a channel
 * that does not renew is closed with 1008, while the listener, renewing at 80% of each 3 s token's life, stays
 * online well past its first token's expiry, and the gateway logs each {@code renewToken} it accepted.
 */
@Timeout(60)
class ListenerTokenRenewalTest {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration TOKEN_LIFE = Duration.ofSeconds(3);

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(new ProtocolSettings(
            Duration.ofSeconds(10), Duration.ofSeconds(10), 16 * 1024 * 1024, 25, Duration.ofSeconds(2),
            ProtocolSettings.DEFAULT_RESPONSE_TIMEOUT, GRACE)));

    private final ListAppender<ILoggingEvent> gatewayLog = new ListAppender<>();
    private final Logger controlChannelLogger = (Logger) LoggerFactory.getLogger(ControlChannelHandler.class);

    @BeforeEach
    void captureGatewayLog() {
        gatewayLog.start();
        controlChannelLogger.addAppender(gatewayLog);
    }

    @AfterEach
    void stopCapture() {
        controlChannelLogger.detachAppender(gatewayLog);
        gatewayLog.stop();
    }

    @Test
    void aControlChannelThatDoesNotRenewIsClosedWith1008() throws Exception {
        try (RelayWebSocketClient client = new RelayWebSocketClient(null, RelayClientConfig.defaults())) {
            String token = tokens().token(audience(), TOKEN_LIFE);
            RelayConnection control = client.connect(gateway.get().listenUri(false, ENTITY),
                    new DefaultHttpHeaders().add("ServiceBusAuthorization", token), null, Duration.ofSeconds(10))
                    .get(10, TimeUnit.SECONDS);
            assertThat(control.closeFuture().get(15, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }
    }

    @Test
    void theListenerRenewsAndOutlivesItsFirstToken() throws Exception {
        List<Instant> expiries = new CopyOnWriteArrayList<>();
        RecordingStatusListener status = new RecordingStatusListener();
        TokenProvider recording = (audience, validFor) -> {
            Instant expiresAt = Instant.now().plus(validFor);
            expiries.add(expiresAt);
            return SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME, TestGateway.KEY, expiresAt);
        };
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .endpoint(URI.create("ws://127.0.0.1:" + gateway.get().addresses().plainPort()), ENTITY, recording)
                .tokenTimeToLive(TOKEN_LIFE)
                .requestHandler((request, response) -> response.statusCode(204))
                .statusListener(status)
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            Instant unrenewedClose = expiries.get(0).plus(GRACE);
            await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(unrenewedClose.plusSeconds(2)));

            assertThat(listener.isOnline()).isTrue();
            assertThat(status.reconnectCauses).isEmpty();
            assertThat(expiries).as("tokens: the first plus renewals").hasSizeGreaterThanOrEqualTo(3);
            assertThat(gatewayLog.list).filteredOn(event -> event.getFormattedMessage()
                            .contains("listener " + listener.listenerId() + " renewed its token until"))
                    .as("renewToken commands the gateway accepted").hasSizeGreaterThanOrEqualTo(2);
            HttpResponse<String> response = gateway.get().httpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gateway.get().addresses().plainPort() + "/" + ENTITY))
                    .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                    .timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(204);
        }
    }

    private static String audience() {
        return SharedAccessSignature.audienceFor("127.0.0.1", ENTITY);
    }

    private static TokenProvider tokens() {
        return (audience, validFor) -> SharedAccessSignature.createToken(audience, TestGateway.KEY_NAME,
                TestGateway.KEY, Instant.now().plus(validFor));
    }
}
