package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.RelayEvent;
import dev.relaysim.relay.gateway.internal.limits.RefusalLog;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place refusals are answered: response, close, metrics and journal. */
class RefusalsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final String TRACKER = TestGateway.HOST + ":echo";

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final EventJournal events = new EventJournal(16);
    private final List<String> counted = new CopyOnWriteArrayList<>();
    private final GatewayMetrics metrics = (GatewayMetrics) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {GatewayMetrics.class}, (proxy, method, args) -> {
                counted.add(method.getName() + (args == null ? List.of() : List.of(args)));
                return null;
            });
    private final Refusals refusals = new Refusals(metrics, events, Clock.fixed(NOW, ZoneOffset.UTC),
            new NamespaceRegistry(config));
    private final InetEmbeddedChannel channel = InetEmbeddedChannel.loopback(40000);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersWithTheServiceTextClosesCountsAndJournals() {
        refusals.answer(channel, Refusal.of(404, Gatekeeper.ENDPOINT_DOES_NOT_EXIST, TRACKER, "no such thing"), 3);

        FullHttpResponse response = channel.readOutbound();
        try {
            String text = response.content().toString(StandardCharsets.UTF_8);
            assertThat(response.status().code()).isEqualTo(404);
            assertThat(text).matches("Endpoint does not exist\\. TrackingId:[0-9a-f-]{36}_G3, SystemTracker:"
                    + TestGateway.HOST.replace(".", "\\.") + ":echo, Timestamp:2026-01-02T03:04:05Z");
            assertThat(response.status().reasonPhrase()).isEqualTo(text);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
            assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
            assertThat(response.headers().contains(HttpHeaderNames.RETRY_AFTER)).isFalse();
        } finally {
            response.release();
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(counted).containsExactly("refused[" + RefusalReason.NOT_FOUND + "]");
        RelayEvent event = onlyEvent();
        assertThat(event.operationName()).isEqualTo(RelayEvent.Operation.CONNECTION_REFUSED);
        assertThat(event.namespace()).isEqualTo(TestGateway.NAMESPACE);
        assertThat(event.entity()).isEqualTo("echo");
        assertThat(event.trackingId()).endsWith("_G3");
        assertThat(event.source()).isEqualTo("127.0.0.1:40000");
        assertThat(event.message()).isEqualTo("404: no such thing");
        assertThat(event.details().get("statusCode").asInt()).isEqualTo(404);
        assertThat(event.details().get("reason").asText()).isEqualTo("not_found");
    }

    @Test
    void authRefusalsAreJournaledAsAuthorizationFailed() {
        refusals.answer(channel, Refusal.of(401, "Unauthorized.", TRACKER, "bad signature"), 0);

        releaseResponse();
        assertThat(onlyEvent().operationName()).isEqualTo(RelayEvent.Operation.AUTHORIZATION_FAILED);
        assertThat(counted).containsExactly("refused[" + RefusalReason.AUTH + "]");
    }

    @Test
    void networkRefusalsNameTheirRule() {
        refusals.answer(channel, Refusal.network(TRACKER, "network rules: public network access disabled"), 0);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(401);
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .startsWith(NetworkGuard.refusalMessage() + " TrackingId:");
        } finally {
            response.release();
        }
        assertThat(onlyEvent().details().get("rule").asText())
                .isEqualTo("network rules: public network access disabled");
    }

    @Test
    void aTooManyRequestsAnswerCarriesRetryAfter() {
        RefusalLog log = new RefusalLog(LoggerFactory.getLogger(RefusalsTest.class), "test", RefusalLog.INTERVAL);

        refusals.answer(channel, Refusal.of(RefusalReason.LIMIT, 429, "Server busy.", TRACKER, "over").loggedBy(log),
                0);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(429);
            assertThat(response.headers().getInt(HttpHeaderNames.RETRY_AFTER)).isEqualTo(1);
        } finally {
            response.release();
        }
        assertThat(counted).containsExactly("refused[" + RefusalReason.LIMIT + "]");
    }

    @Test
    void httpRequestModeAnswersWithJsonAndCountsTheRequest() {
        refusals.answerHttpRequest(channel, Refusal.of(RefusalReason.NO_LISTENER, 502, "No listener.", TRACKER,
                "no listener connected").asJsonError(HttpErrors.BAD_GATEWAY), 0);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status().code()).isEqualTo(502);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE))
                    .isEqualTo("application/json; charset=utf-8");
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .startsWith("{\"error\":{\"code\":\"BadGateway\",\"message\":\"No listener. TrackingId:");
        } finally {
            response.release();
        }
        assertThat(counted).containsExactly("httpRequest[502]", "refused[" + RefusalReason.NO_LISTENER + "]");
    }

    @Test
    void anUnansweredRefusalOnlyClosesTheConnection() {
        refusals.answer(channel, Refusal.closed(RefusalReason.TIMEOUT, ServiceErrors.addressTracker(channel),
                "closed: no upgrade request within PT1S"), 0);

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        RelayEvent event = onlyEvent();
        assertThat(event.namespace()).isNull();
        assertThat(event.details().has("statusCode")).isFalse();
        assertThat(event.message()).isEqualTo("closed: no upgrade request within PT1S");
    }

    private void releaseResponse() {
        FullHttpResponse response = channel.readOutbound();
        response.release();
    }

    private RelayEvent onlyEvent() {
        EventJournal.Slice slice = events.read(0, 10);
        assertThat(slice.events()).hasSize(1);
        return slice.events().get(0).event();
    }
}
