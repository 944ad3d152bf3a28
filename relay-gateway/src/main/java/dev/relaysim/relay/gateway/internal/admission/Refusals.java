package dev.relaysim.relay.gateway.internal.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.RelayEvent;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.GatewayMetrics;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * The one place refusals are answered: every {@link Refusal} of the gateway, on any port and in any mode, is
 * logged once (or through its {@link Refusal#log}), counted ({@link GatewayMetrics#refused}), journaled
 * ({@code AuthorizationFailed} for {@link RefusalReason#AUTH}, else {@code ConnectionRefused}) and answered with the
 * service's text ({@code <message> TrackingId:<uuid>_G<n>, SystemTracker:<tracker>, Timestamp:<utc>}) on a
 * connection that closes once the answer is written. Call it on the refused channel's event loop. Thread-safe.
 */
public final class Refusals {

    private static final Logger logger = LoggerFactory.getLogger(Refusals.class);

    private final GatewayMetrics metrics;
    private final EventJournal events;
    private final Clock clock;
    private final NamespaceRegistry registry;

    /** @param registry names the namespace of a refusal's tracker in the journal */
    public Refusals(GatewayMetrics metrics, EventJournal events, Clock clock, NamespaceRegistry registry) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.events = requireNonNull(events, "events");
        this.clock = requireNonNull(clock, "clock");
        this.registry = requireNonNull(registry, "registry");
    }

    /**
     * Answers a WebSocket upgrade request (or a connection before its request) with {@code refusal} and closes it.
     *
     * @param instance the gateway instance {@code N} of the tracking id's {@code _G<N>}
     * @return completed once the connection is closed
     */
    public ChannelFuture answer(Channel channel, Refusal refusal, int instance) {
        String trackingId = ServiceErrors.trackingId(instance);
        metrics.refused(refusal.reason());
        journal(refusal.reason() == RefusalReason.AUTH ? RelayEvent.Operation.AUTHORIZATION_FAILED
                        : RelayEvent.Operation.CONNECTION_REFUSED, channel, refusal.reason(), refusal.status(),
                refusal.tracker(), null, trackingId, refusal.detail());
        log(channel, refusal);
        if (refusal.unanswered()) {
            return channel.close();
        }
        String text = ServiceErrors.describe(refusal.message(), trackingId, refusal.tracker(), clock.instant());
        FullHttpResponse response = refusal.errorCode() != null
                ? HttpErrors.response(refusal.status(), refusal.errorCode(), text)
                : refusal.status() == 429
                ? ServiceErrors.retryAfter(429, text, ConnectionLimits.RETRY_AFTER_SECONDS)
                : ServiceErrors.response(refusal.status(), text, text);
        return ServiceErrors.respondAndClose(channel, response);
    }

    /** {@link #answer} for an HTTP-mode request, which is also counted by its status as a relayed request. */
    public ChannelFuture answerHttpRequest(Channel channel, Refusal refusal, int instance) {
        metrics.httpRequest(refusal.status());
        return answer(channel, refusal, instance);
    }

    /**
     * Journals an HTTP-mode request that reached a listener and failed there (it is counted by its status, through
     * {@link GatewayMetrics#httpRequest}, not as a refusal): {@code ListenerAcceptingRequestTimeout} for 504,
     * reason {@code timeout}; {@code ListenerReturningHttpResponseFailed} otherwise, with the reason
     * {@link RefusalReason#forStatus} gives ({@code endpoint_state} for 502).
     *
     * @param status the status code of the failure (502, 504)
     * @param answered whether the sender got {@code status}; false where its connection was closed mid-response,
     *                 and the event then has no {@code statusCode}
     * @param tracker the error text's system tracker, {@code <host>:<path>}
     */
    public void requestFailed(Channel sender, int status, boolean answered, String tracker, String listenerId,
                              String trackingId, String detail) {
        boolean timeout = status == 504;
        journal(timeout ? RelayEvent.Operation.LISTENER_ACCEPTING_REQUEST_TIMEOUT
                        : RelayEvent.Operation.LISTENER_RETURNING_HTTP_RESPONSE_FAILED, sender,
                timeout ? RefusalReason.TIMEOUT : RefusalReason.forStatus(status), answered ? status : 0, tracker,
                listenerId, trackingId, detail);
    }

    /** The service's text of a failure: {@code <message> TrackingId:..., SystemTracker:..., Timestamp:<now>}. */
    public String describe(String message, String trackingId, String tracker) {
        return ServiceErrors.describe(message, trackingId, tracker, clock.instant());
    }

    /** {@code <address>:<port>} of a client, an event's source; null for a channel without an IP peer. */
    public static @Nullable String source(Channel client) {
        return client.remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress() + ':' + address.getPort() : null;
    }

    private static void log(Channel channel, Refusal refusal) {
        String status = refusal.unanswered() ? "closed" : String.valueOf(refusal.status());
        if (refusal.log() != null) {
            refusal.log().refused(channel, () -> status + ": " + refusal.detail());
        } else {
            logger.info("{} refused {}: {} (remote {})", channel, status, LogRedaction.redact(refusal.detail()),
                    channel.remoteAddress());
        }
    }

    /** Records the event of a refusal: a cheap append to the journal's ring. */
    private void journal(RelayEvent.Operation operation, Channel client, RefusalReason why, int status,
                         String tracker, @Nullable String listenerId, String trackingId, String detail) {
        String namespace = null;
        String path = null;
        if (!tracker.equals(ServiceErrors.addressTracker(client))) {
            int colon = tracker.indexOf(':');
            String host = colon < 0 ? tracker : tracker.substring(0, colon);
            path = colon < 0 || colon == tracker.length() - 1 ? null : tracker.substring(colon + 1);
            namespace = host.isEmpty() ? null : registry.resolve(host, null).map(Namespace::name).orElse(null);
        }
        ObjectNode details = RelayEvent.newDetails();
        if (status > 0) {
            details.put("statusCode", status);
        }
        details.put("reason", why.tagValue());
        if (why == RefusalReason.NETWORK_RULE) {
            details.put("rule", detail);
        }
        String message = LogRedaction.redact(detail);
        events.record(new RelayEvent(clock.instant(), operation, namespace, path, listenerId, trackingId,
                source(client), status > 0 ? status + ": " + message : message, details));
    }
}
