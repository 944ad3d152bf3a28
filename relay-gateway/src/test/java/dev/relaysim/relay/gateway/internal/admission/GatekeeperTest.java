package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import dev.relaysim.relay.gateway.internal.admission.AdmissionRequest.Kind;
import dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerSet;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits;
import dev.relaysim.relay.gateway.internal.metrics.RefusalReason;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.InetEmbeddedChannel;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every outcome of the one admission step, on an embedded channel with IP addresses. */
class GatekeeperTest {

    private final GatewayConfig config = TestGateway.builder().config(Path.of("unused"), new PortRange(9400, 9409));
    private final NamespaceRegistry registry = new NamespaceRegistry(config);
    private final NetworkState network = new NetworkState(new NetworkModel(List.of(), List.of()));
    private final Gatekeeper gatekeeper = new Gatekeeper(registry, new NetworkGuard(network),
            new RelayAuthorizer(Clock.systemUTC()), new ConnectionLimits(new LimitSettings(10, 1, 1)));
    private final InetEmbeddedChannel channel = InetEmbeddedChannel.loopback(40000);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void admitsAValidTokenAndKeepsTheNetworkAdmissionOfAWebSocket() {
        Verdict verdict = gatekeeper.admit(request(TestGateway.HOST, "/$hc/echo", token("echo"), AccessRight.LISTEN,
                Kind.WEBSOCKET));

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Admitted.class, admitted -> {
            assertThat(admitted.entity().name()).isEqualTo(TestGateway.ENTITY);
            assertThat(admitted.authorization().right()).isEqualTo(AccessRight.LISTEN);
            assertThat(admitted.authorizationHeaderIsToken()).isFalse();
        });
        assertThat(channel.attr(NetworkGuard.ADMITTED).get()).isNotNull()
                .satisfies(admitted -> assertThat(admitted.namespace()).isEqualTo(TestGateway.NAMESPACE));
    }

    @Test
    void unknownNamespaceIs404() {
        Refusal refusal = refused(request("nowhere.example", "/$hc/echo", token("echo"), AccessRight.SEND,
                Kind.WEBSOCKET));

        assertThat(refusal.status()).isEqualTo(404);
        assertThat(refusal.message()).isEqualTo(Gatekeeper.ENDPOINT_DOES_NOT_EXIST);
        assertThat(refusal.tracker()).isEqualTo("nowhere.example:echo");
        assertThat(refusal.reason()).isEqualTo(RefusalReason.NOT_FOUND);
        assertThat(refusal.detail()).isEqualTo("no namespace has host name 'nowhere.example'");
    }

    @Test
    void unknownEntityIs404() {
        Refusal refusal = refused(request(TestGateway.HOST, "/$hc/missing", token("missing"), AccessRight.SEND,
                Kind.WEBSOCKET));

        assertThat(refusal.status()).isEqualTo(404);
        assertThat(refusal.message()).isEqualTo(Gatekeeper.ENDPOINT_DOES_NOT_EXIST);
    }

    @Test
    void networkRulesRefuse401BeforeTheRequestsFormAndSas() {
        network.update(model -> model.withNamespace(TestGateway.NAMESPACE, namespace -> new NamespaceNetwork(
                TestGateway.NAMESPACE, new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW,
                List.of(), false), List.of())));
        Refusal malformed = Refusal.of(400, "BadRequest: not an upgrade", "t", "not an upgrade");

        Refusal websocket = refused(new AdmissionRequest(channel, TestGateway.HOST, target("/$hc/echo"),
                headers("SharedAccessSignature sr=x&sig=bad&se=1&skn=nobody"), AccessRight.SEND, Kind.WEBSOCKET,
                malformed));
        Refusal http = refused(request(TestGateway.HOST, "/echo", token("echo"), AccessRight.SEND,
                Kind.HTTP_REQUEST));

        assertThat(websocket.status()).isEqualTo(401);
        assertThat(websocket.message()).isEqualTo(NetworkGuard.refusalMessage())
                .startsWith("Ip has been prevented to connect to the endpoint.");
        assertThat(websocket.reason()).isEqualTo(RefusalReason.NETWORK_RULE);
        assertThat(websocket.tracker()).isEqualTo(TestGateway.HOST + ":echo");
        assertThat(websocket.detail()).startsWith("network rules: ");
        assertThat(http.status()).isEqualTo(401);
        assertThat(http.detail()).doesNotStartWith("network rules: ");
        assertThat(channel.attr(NetworkGuard.ADMITTED).get()).isNull();
    }

    @Test
    void trustedServicesOnlyRefusesAGrantByAnOrdinaryRuleWithTheNetworkRefusal() {
        network.update(model -> model.withNamespace(TestGateway.NAMESPACE, namespace -> new NamespaceNetwork(
                TestGateway.NAMESPACE, new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                List.of(), true), List.of())));

        Refusal websocket = refused(request(TestGateway.HOST, "/$hc/echo", token("echo"), AccessRight.SEND,
                Kind.WEBSOCKET));
        Refusal http = refused(request(TestGateway.HOST, "/echo", token("echo"), AccessRight.SEND,
                Kind.HTTP_REQUEST));

        assertThat(websocket.status()).isEqualTo(401);
        assertThat(websocket.reason()).isEqualTo(RefusalReason.NETWORK_RULE);
        assertThat(websocket.detail()).endsWith("; the caller's rule is not a trusted service");
        assertThat(http.detail()).endsWith("; the caller is not a trusted service");
    }

    @Test
    void aRequestThatIsNoUpgradeGetsItsOwnRefusalAfterTheNetworkRules() {
        Refusal malformed = Refusal.of(426, "BadRequest: Sec-WebSocket-Version: 8", "t", "version");

        Refusal refusal = refused(new AdmissionRequest(channel, TestGateway.HOST, target("/$hc/echo"),
                headers(token("echo")), AccessRight.SEND, Kind.WEBSOCKET, malformed));

        assertThat(refusal).isSameAs(malformed);
    }

    @Test
    void badTokenIs401() {
        Refusal refusal = refused(request(TestGateway.HOST, "/$hc/echo",
                "SharedAccessSignature sr=a&sig=AAAA&se=1&skn=nobody", AccessRight.LISTEN, Kind.WEBSOCKET));

        assertThat(refusal.status()).isEqualTo(401);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.AUTH);
        assertThat(refusal.tracker()).isEqualTo(TestGateway.HOST + ":echo");
    }

    @Test
    void aKeyWithoutTheRightIs403() {
        String sendOnly = TestGateway.token("echo", TestGateway.SEND_KEY_NAME, TestGateway.SEND_KEY,
                Instant.now().plus(Duration.ofHours(1)));

        Refusal refusal = refused(request(TestGateway.HOST, "/$hc/echo", sendOnly, AccessRight.LISTEN,
                Kind.WEBSOCKET));

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.reason()).isEqualTo(RefusalReason.AUTH);
    }

    @Test
    void httpRequestModeTakesTheTokenFromAuthorizationOnlyWhereOneIsRequired() {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, token("echo"));

        Verdict secured = gatekeeper.admit(new AdmissionRequest(channel, TestGateway.HOST, target("/echo"), headers,
                AccessRight.SEND, Kind.HTTP_REQUEST, null));
        Verdict open = gatekeeper.admit(new AdmissionRequest(channel, TestGateway.HOST, target("/open"), headers,
                AccessRight.SEND, Kind.HTTP_REQUEST, null));
        Verdict websocket = gatekeeper.admit(new AdmissionRequest(channel, TestGateway.HOST, target("/$hc/echo"),
                headers, AccessRight.SEND, Kind.WEBSOCKET, null));

        assertThat(secured).isInstanceOfSatisfying(Verdict.Admitted.class,
                admitted -> assertThat(admitted.authorizationHeaderIsToken()).isTrue());
        assertThat(open).isInstanceOfSatisfying(Verdict.Admitted.class,
                admitted -> assertThat(admitted.authorizationHeaderIsToken()).isFalse());
        assertThat(websocket).isInstanceOfSatisfying(Refusal.class,
                refusal -> assertThat(refusal.status()).isEqualTo(401));
        assertThat(channel.attr(NetworkGuard.ADMITTED).get()).isNull();
    }

    @Test
    void limitsRefuse403And429() {
        HybridConnection entity = registry.defaultNamespace().match("echo").orElseThrow().entity();
        InetEmbeddedChannel second = InetEmbeddedChannel.loopback(40001);
        try {
            assertThat(gatekeeper.admitSender(entity, channel)).isCompletedWithValue(Optional.empty());
            Refusal quota = gatekeeper.admitSender(entity, second).toCompletableFuture().join()
                    .orElseThrow();
            Refusal pending = gatekeeper.pendingLimit(entity);

            assertThat(quota.status()).isEqualTo(403);
            assertThat(quota.message()).startsWith("Quota exceeded. MaximumConnectionsPerNamespace:");
            assertThat(quota.reason()).isEqualTo(RefusalReason.LIMIT);
            assertThat(quota.log()).isNotNull();
            assertThat(pending.status()).isEqualTo(429);
            assertThat(pending.message()).startsWith("Server busy. MaximumPendingRendezvousPerEntity: 1 ");
            assertThat(pending.reason()).isEqualTo(RefusalReason.LIMIT);
        } finally {
            second.finishAndReleaseAll();
        }
    }

    @Test
    void aFullListenerSetIs403() {
        HybridConnection entity = registry.defaultNamespace().match("echo").orElseThrow().entity();
        ListenerSet listeners = new ListenerSet(1);

        assertThat(gatekeeper.admitListener(listeners, new ListenerConnection("a", channel, false), entity)).isEmpty();
        Refusal full = gatekeeper.admitListener(listeners, new ListenerConnection("b", channel, false), entity)
                .orElseThrow();

        assertThat(full.status()).isEqualTo(403);
        assertThat(full.message()).isEqualTo("Quota exceeded. MaximumListenersPerEndpoint: the hybrid connection "
                + "already has 1 listeners.");
        assertThat(full.reason()).isEqualTo(RefusalReason.LIMIT);
        assertThat(listeners.size()).isEqualTo(1);
    }

    @Test
    void aRendezvousOpenedForAnotherEntityOrNamespaceIsNotAsIssued() {
        HybridConnection entity = registry.defaultNamespace().match("echo").orElseThrow().entity();

        assertThat(gatekeeper.openedAsIssued(TestGateway.HOST, target("/$hc/echo"), entity)).isTrue();
        assertThat(gatekeeper.openedAsIssued("localhost", target("/$hc/echo"), entity)).isTrue();
        assertThat(gatekeeper.openedAsIssued(TestGateway.HOST, target("/$hc/open"), entity)).isFalse();
        assertThat(gatekeeper.openedAsIssued(TestGateway.OTHER_HOST, target("/$hc/echo"), entity)).isFalse();
    }

    private Refusal refused(AdmissionRequest request) {
        Verdict verdict = gatekeeper.admit(request);
        assertThat(verdict).isInstanceOf(Refusal.class);
        return (Refusal) verdict;
    }

    private AdmissionRequest request(String host, String uri, String token, AccessRight right, Kind kind) {
        return new AdmissionRequest(channel, host, target(uri), headers(token), right, kind, null);
    }

    private static HttpHeaders headers(String token) {
        return new DefaultHttpHeaders().set(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION, token);
    }

    private static RelayRequestTarget target(String uri) {
        try {
            return RelayRequestTarget.parse(uri);
        } catch (InvalidRequestTargetException e) {
            throw new AssertionError(uri, e);
        }
    }

    private static String token(String entity) {
        return TestGateway.token(entity);
    }
}
