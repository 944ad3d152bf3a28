package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import dev.relaysim.relay.gateway.testing.RawWebSocket;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static dev.relaysim.relay.gateway.testing.TestGateway.OPEN_ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Peers that die without a close frame (a TCP reset, as when their process is killed): the other leg of their relay
 * pair is closed within a second with 1011 {@value RelayPair#PEER_LOST_REASON}, other relayed connections keep
 * relaying, and a listener whose control channel dies is gone from its hybrid connection while the sender it was
 * offered still gets its error.
 */
@Timeout(60)
class KilledPeerIntegrationTest {

    /** Short, so that the sender offered to a dead listener gets its 404 soon. */
    private static final Duration RENDEZVOUS_TIMEOUT = Duration.ofSeconds(2);

    private TestGateway gateway;
    private TestListener healthyListener;
    private WsPeer healthySender;

    @BeforeEach
    void start() throws Exception {
        var defaults = TestGateway.defaultProtocol();
        gateway = TestGateway.builder().protocol(new ProtocolSettings(
                RENDEZVOUS_TIMEOUT, defaults.handshakeTimeout(), defaults.maxMessageSize(),
                defaults.maxListenersPerEndpoint(), defaults.shutdownTimeout())).start();
        // A pair on another hybrid connection that must not notice anything.
        healthyListener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, OPEN_ENTITY),
                TestGateway.token(OPEN_ENTITY), new TestListener.Mode.Echo());
        healthySender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, OPEN_ENTITY), Map.of())
                .get(10, TimeUnit.SECONDS);
        assertHealthyPairRelays("before");
    }

    @AfterEach
    void stop() {
        if (healthyListener != null) {
            healthyListener.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aListenerLegResetMidStreamClosesItsSenderWithin1sWith1011() throws Exception {
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            CompletableFuture<WsPeer> senderFuture = WsPeer.connect(gateway.httpClient(),
                    gateway.connectUri(false, ENTITY), Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.accepts().isEmpty());
            RawWebSocket listenerLeg = RawWebSocket.open(URI.create(listener.accepts().get(0).address()));
            WsPeer sender = senderFuture.get(10, TimeUnit.SECONDS);
            sender.sendBinary(new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
            assertThat(listenerLeg.read().payload()).containsExactly(1, 2, 3);
            listenerLeg.sendBinary(new byte[] {4, 5});
            assertThat(sender.next().data()).containsExactly(4, 5);
            sender.sendBinary(new byte[64 * 1024]); // mid-stream: data on its way when the peer dies

            listenerLeg.reset();

            WsPeer.Close close = sender.closed().get(1, TimeUnit.SECONDS);
            assertThat(close).isEqualTo(new WsPeer.Close(1011, RelayPair.PEER_LOST_REASON));
        }
        assertHealthyPairRelays("after a listener died");
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.server().context().relayPairs().size() == 1);
    }

    @Test
    void aStalledSenderStillGetsItsCloseFrameWhenItsListenerDies() throws Exception {
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Ignore())) {
            CompletableFuture<RawWebSocket> senderFuture = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawWebSocket.open(gateway.connectUri(false, ENTITY),
                            "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.accepts().isEmpty());
            RawWebSocket listenerLeg = RawWebSocket.open(URI.create(listener.accepts().get(0).address()));
            try (RawWebSocket sender = senderFuture.get(10, TimeUnit.SECONDS)) {
                // The listener leg never reads: the sender writes until every buffer on the way is full, so the
                // gateway holds unread bytes from the sender when the listener dies.
                AtomicLong written = new AtomicLong();
                Thread writer = new Thread(() -> {
                    try {
                        while (true) {
                            sender.sendBinary(new byte[64 * 1024]);
                            written.addAndGet(64 * 1024);
                        }
                    } catch (IOException closed) {
                        // the test closed the sender
                    }
                }, "stalled-sender");
                writer.setDaemon(true);
                writer.start();
                long[] last = {-1};
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    long now = written.get();
                    boolean stalled = now > 0 && now == last[0];
                    last[0] = now;
                    return stalled;
                });

                listenerLeg.reset();

                // The gateway holds unread bytes from this sender when it closes the leg: the close frame must still
                // arrive (KilledProcessIntegrationTest shows a Netty client losing it to the reset that followed).
                RawWebSocket.Frame close = sender.readClose();
                assertThat(close.closeCode()).isEqualTo(1011);
                assertThat(close.closeReason()).isEqualTo(RelayPair.PEER_LOST_REASON);
            }
        }
        assertHealthyPairRelays("after a stalled sender's listener died");
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.server().context().relayPairs().size() == 1);
    }

    @Test
    void aSenderResetMidStreamClosesTheListenerLegWithin1sWith1011() throws Exception {
        try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            RawWebSocket sender = RawWebSocket.open(gateway.connectUri(false, ENTITY),
                    "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
            sender.sendBinary("ping".getBytes(StandardCharsets.UTF_8));
            assertThat(sender.read().text()).isEqualTo("ping");
            // The echo can come back before the listener fixture has recorded its rendezvous peer.
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.rendezvous().isEmpty());
            WsPeer listenerLeg = listener.rendezvous().get(0);
            sender.sendBinary(new byte[64 * 1024]);

            sender.reset();

            assertThat(listenerLeg.closed().get(1, TimeUnit.SECONDS))
                    .isEqualTo(new WsPeer.Close(1011, RelayPair.PEER_LOST_REASON));
            // The listener's control channel is untouched: it gets the next sender.
            WsPeer next = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            next.sendText("next").get(10, TimeUnit.SECONDS);
            assertThat(next.next().asText()).isEqualTo("next");
        }
        assertHealthyPairRelays("after a sender died");
    }

    @Test
    void aDeadControlChannelLeavesItsHybridConnectionAndItsOfferedSenderGetsItsError() throws Exception {
        HybridConnection entity = gateway.server().context().registry().defaultNamespace().match(ENTITY)
                .orElseThrow().entity();
        RawWebSocket control = RawWebSocket.open(gateway.listenUri(false, ENTITY),
                "ServiceBusAuthorization: " + TestGateway.token(ENTITY));
        await().atMost(Duration.ofSeconds(5)).until(() -> entity.listeners().size() == 1);
        CompletableFuture<WsPeer> pending = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, ENTITY),
                Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY)));
        assertThat(control.read().text()).contains("\"accept\"");

        control.reset();

        await().atMost(Duration.ofSeconds(1)).until(() -> entity.listeners().size() == 0);
        CompletionException failure = catchThrowableOfType(CompletionException.class,
                pending::join);
        assertThat(failure.getCause()).isInstanceOfSatisfying(WebSocketHandshakeException.class,
                e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.server().context().rendezvousTable().size() == 0);
        // Nobody listens any more: a new sender is refused at once.
        Throwable noListener = catchThrowable(() -> WsPeer.connect(
                gateway.httpClient(), gateway.connectUri(false, ENTITY),
                Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).join());
        assertThat(noListener.getCause()).isInstanceOfSatisfying(WebSocketHandshakeException.class,
                e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
        assertHealthyPairRelays("after a control channel died");
    }

    private void assertHealthyPairRelays(String text) throws Exception {
        healthySender.sendText(text).get(10, TimeUnit.SECONDS);
        assertThat(healthySender.next().asText()).isEqualTo(text);
        assertThat(healthySender.closed()).isNotDone();
    }
}
