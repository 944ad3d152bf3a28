package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.config.RendezvousFaults;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import io.micrometer.core.instrument.Gauge;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.relaysim.relay.gateway.testing.TestGateway.HOST;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static dev.relaysim.relay.gateway.testing.TestGateway.LISTEN_KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.LISTEN_KEY_NAME;
import static dev.relaysim.relay.gateway.testing.TestGateway.SECONDARY_KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.SEND_KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.SEND_KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Nobody gets in where they don't belong: every way into the gateway (listen, connect, accept, request rendezvous,
 * HTTP request mode, management API) is tried with each kind of wrong credential and each wrong network position.
 * Every row states the exact status the gateway answers and checks that the protected thing did not happen (no
 * listener registered, no accept or request reached a listener, the held sender still waits, no state changed).
 * Each path ends with a positive control (right credential from the right place succeeds), so that no table passes
 * because nothing works at all.
 *
 * <p>Namespaces: {@value TestGateway#NAMESPACE} (default, public), {@value TestGateway#OTHER_NAMESPACE} (public, same
 * root key: a token for it differs only in its audience), {@code fortress} (public access Disabled; private endpoints
 * Approved 127.20.0.4, Pending .5, Rejected .6, Disconnected .7 in {@code vnet1} 127.20.0.0/16; {@code vnet2}
 * 127.21.0.0/16 is not connected to it) and {@code firewalled} (public, defaultAction Deny, IP rule 127.23.0.0/24).
 * Clients take network positions by binding source addresses in 127.0.0.0/8 (all loopback on Linux).
 *
 * <p>SAS has no not-before time (only {@code se}), so there is no "token not yet valid" row.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityMatrixIntegrationTest {

    private static final String FORTRESS = "fortress";
    private static final String FORTRESS_HOST = "fortress.servicebus.windows.net";
    private static final String FIREWALLED = "firewalled";
    private static final String FIREWALLED_HOST = "firewalled.servicebus.windows.net";
    private static final String OTHER_HOST = TestGateway.OTHER_HOST;
    /** Listen rows: nobody listens here but the rows themselves. */
    private static final String VACANT = "vacant";
    /** Connect rows. */
    private static final String ECHO = "echo";
    /** Accept rows: the listener ignores accepts, the test opens the addresses itself. */
    private static final String HELD = "held";
    /** HTTP request mode rows. */
    private static final String WEB = "web";
    /** Request-rendezvous rows. */
    private static final String REQUESTS = "requests";
    /** The entity tokens "for another entity" are for. */
    private static final String OTHER_ENTITY = "other";
    /** Senders need no token here (requiresClientAuthorization=false); listeners still do. */
    private static final String ANONYMOUS = "anonymous";
    /** The response-hijack test. */
    private static final String ANSWERS = "answers";
    private static final List<String> ENTITIES = List.of(VACANT, ECHO, HELD, WEB, REQUESTS, ANSWERS);
    /** A rule of {@link #OTHER_ENTITY} only, with its own key. */
    private static final String OTHER_ENTITY_RULE = "other-entity-rule";
    private static final String OTHER_ENTITY_KEY = "b3RoZXItZW50aXR5LXJ1bGUta2V5LWZvci10ZXN0cw==";

    private static final InetAddress PUBLIC = address("127.0.0.1");
    private static final InetAddress PE_APPROVED = address("127.20.0.4");
    private static final InetAddress PE_PENDING = address("127.20.0.5");
    private static final InetAddress PE_REJECTED = address("127.20.0.6");
    private static final InetAddress PE_DISCONNECTED = address("127.20.0.7");
    private static final InetAddress VM = address("127.20.1.5");
    private static final InetAddress UNCONNECTED_VNET = address("127.21.0.5");
    private static final InetAddress OUTSIDE = address("127.22.0.9");
    private static final InetAddress ALLOWED_OFFICE = address("127.23.0.7");
    private static final InetAddress OTHER_OFFICE = address("127.24.0.7");

    private static final String WRONG_KEY = "d3Jvbmcta2V5LW5vYm9keS1oYXMtaXQtYW55d2hlcmU=";
    private static final String ADMIN_KEY = ListenSettings.DEFAULT_ADMIN_KEY;
    private static final String SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/relaysim";
    private static final String MARKER = "X-Security-Row";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestGateway gateway;
    private final List<RelayWebSocketClient> clients = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    void start() {
        // The default namespace's rules: root (all rights, KEY and SECONDARY_KEY), listen-only, send-only.
        List<AuthorizationRuleConfig> rules = TestGateway.defaultNamespaces().get(0).authorizationRules();
        AuthorizationRuleConfig root = rules.get(0);
        List<HybridConnectionConfig> entities = new ArrayList<>(ENTITIES.stream()
                .map(name -> new HybridConnectionConfig(name, true, List.of())).toList());
        entities.add(new HybridConnectionConfig(OTHER_ENTITY, true, List.of(new AuthorizationRuleConfig(
                OTHER_ENTITY_RULE, OTHER_ENTITY_KEY, OTHER_ENTITY_KEY, EnumSet.of(AccessRight.LISTEN,
                AccessRight.SEND)))));
        entities.add(new HybridConnectionConfig(ANONYMOUS, false, List.of()));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, HOST, rules, entities);
        NamespaceConfig contoso = new NamespaceConfig(TestGateway.OTHER_NAMESPACE, OTHER_HOST, List.of(root), entities);
        NamespaceConfig fortress = new NamespaceConfig(FORTRESS, FORTRESS_HOST, rules, entities, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.DISABLED, DefaultAction.ALLOW, List.of(), false), List.of(
                endpoint("pe-approved", PE_APPROVED, ConnectionStatus.APPROVED),
                endpoint("pe-pending", PE_PENDING, ConnectionStatus.PENDING),
                endpoint("pe-rejected", PE_REJECTED, ConnectionStatus.REJECTED),
                endpoint("pe-disconnected", PE_DISCONNECTED, ConnectionStatus.DISCONNECTED)));
        NamespaceConfig firewalled = new NamespaceConfig(FIREWALLED, FIREWALLED_HOST, rules, entities, "westeurope",
                new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.DENY,
                        List.of(Ipv4Prefix.parse("127.23.0.0/24")), false), List.of());
        VirtualNetwork vnet1 = new VirtualNetwork("vnet1", "westeurope", List.of(Ipv4Prefix.parse("127.20.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.20.0.0/24"))), List.of());
        VirtualNetwork vnet2 = new VirtualNetwork("vnet2", "westeurope", List.of(Ipv4Prefix.parse("127.21.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.21.0.0/24"))), List.of());
        gateway = TestGateway.builder()
                .namespaces(List.of(sandbox, contoso, fortress, firewalled), TestGateway.NAMESPACE)
                .virtualNetworks(List.of(vnet1, vnet2))
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        clients.forEach(RelayWebSocketClient::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The credentials: every kind of wrong token, and where it is carried.

    /** How a row presents its credential on a WebSocket upgrade or an HTTP request. */
    private record Credential(String name, String header, String query) {

        static Credential none() {
            return new Credential("no token", null, null);
        }

        static Credential header(String name, String token) {
            return new Credential(name, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token, null);
        }

        String headerLines() {
            return header == null ? "" : header + "\r\n";
        }

        String queryPart() {
            return query == null ? "" : "&" + query;
        }
    }

    /** A refused credential and the status the service answers it with. */
    private record Refusal(Credential credential, int status) {
    }

    /** The token rows shared by listen, connect and HTTP: wrong credential → exact status. */
    private static List<Refusal> tokenRefusals(String entity, AccessRight right, boolean webSocket) {
        Instant inAnHour = Instant.now().plus(Duration.ofHours(1));
        String good = token(HOST, entity, KEY_NAME, KEY, inAnHour);
        String tamperedSignature = TestGateway.withSignatureTampered(good);
        String tamperedExpiry = good.replaceFirst("se=(\\d+)", "se=" + inAnHour.plus(Duration.ofDays(365))
                .getEpochSecond());
        List<Refusal> rows = new ArrayList<>(List.of(
                new Refusal(Credential.none(), 401),
                new Refusal(Credential.header("malformed token", "SharedAccessSignature this-is-not-a-token"), 401),
                new Refusal(Credential.header("wrong key", token(HOST, entity, KEY_NAME, WRONG_KEY, inAnHour)), 401),
                new Refusal(Credential.header("unknown key name", token(HOST, entity, "NoSuchRule", KEY, inAnHour)),
                        401),
                new Refusal(Credential.header("key name of another rule, signed with the root key",
                        token(HOST, entity, right == AccessRight.LISTEN ? LISTEN_KEY_NAME : SEND_KEY_NAME, KEY,
                                inAnHour)), 401),
                new Refusal(Credential.header("expired token", token(HOST, entity, KEY_NAME, KEY,
                        Instant.now().minus(Duration.ofMinutes(5)))), 401),
                new Refusal(Credential.header("tampered signature", tamperedSignature), 401),
                new Refusal(Credential.header("expiry extended without re-signing", tamperedExpiry), 401),
                new Refusal(Credential.header("token for another entity", token(HOST, OTHER_ENTITY, KEY_NAME, KEY,
                        inAnHour)), 403),
                new Refusal(Credential.header("rule of another entity", token(HOST, entity, OTHER_ENTITY_RULE,
                        OTHER_ENTITY_KEY, inAnHour)), 401),
                new Refusal(Credential.header("token for another namespace (same key)", token(OTHER_HOST, entity,
                        KEY_NAME, KEY, inAnHour)), 403),
                new Refusal(right == AccessRight.LISTEN
                        ? Credential.header("Send-only token on listen", token(HOST, entity, SEND_KEY_NAME, SEND_KEY,
                        inAnHour))
                        : Credential.header("Listen-only token on send", token(HOST, entity, LISTEN_KEY_NAME,
                        LISTEN_KEY, inAnHour)), 403)));
        if (webSocket) {
            rows.add(new Refusal(new Credential("token in the Authorization header (not read on WebSockets)",
                    "Authorization: " + good, null), 401));
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------------------
    // listen: the control channel.

    @TestFactory
    Stream<DynamicTest> listen() {
        List<DynamicTest> rows = new ArrayList<>();
        for (Refusal refusal : tokenRefusals(VACANT, AccessRight.LISTEN, true)) {
            rows.add(row("listen, " + refusal.credential().name(), () -> assertListenRefused(PUBLIC, PUBLIC, HOST,
                    TestGateway.NAMESPACE, refusal.credential(), refusal.status())));
        }
        rows.add(row("listen, token in sb-hc-token but for another entity", () -> assertListenRefused(PUBLIC,
                PUBLIC, HOST, TestGateway.NAMESPACE, new Credential("query", null, HybridConnectionConstants.TOKEN
                        + '=' + PercentCodec.encode(token(HOST, OTHER_ENTITY, KEY_NAME, KEY, inAnHour()))), 403)));
        rows.add(row("listen, no token on a hybrid connection whose senders need none", () -> {
            Head head = exchange(PUBLIC, PUBLIC, plainPort(), upgrade(ANONYMOUS, "listen", HOST, Credential.none()));
            assertThat(head.status()).as(head.toString()).isEqualTo(401);
            assertThat(listeners(TestGateway.NAMESPACE, ANONYMOUS)).isZero();
        }));
        for (Refusal refusal : tokenRefusals(VACANT, AccessRight.LISTEN, false)) {
            if (refusal.credential().header() == null) {
                continue;
            }
            String bad = refusal.credential().header().substring(refusal.credential().header().indexOf(": ") + 2);
            rows.add(row("listen, renewToken with " + refusal.credential().name(), () -> {
                try (TestListener listener = TestListener.connect(gateway.httpClient(),
                        gateway.listenUri(false, VACANT), TestGateway.token(VACANT), new TestListener.Mode.Ignore())) {
                    await().atMost(TIMEOUT).until(() -> listeners(TestGateway.NAMESPACE, VACANT) == 1);
                    listener.control().sendText("{\"renewToken\":{\"token\":\"" + bad + "\"}}")
                            .get(10, TimeUnit.SECONDS);
                    assertThat(listener.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
                    await().atMost(TIMEOUT).until(() -> listeners(TestGateway.NAMESPACE, VACANT) == 0);
                }
            }));
        }
        rows.add(row("positive control: listen, renewToken with a right token keeps the listener", () -> {
            try (TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, VACANT),
                    TestGateway.token(VACANT), new TestListener.Mode.Ignore())) {
                listener.control().sendText("{\"renewToken\":{\"token\":\"" + token(HOST, VACANT, KEY_NAME,
                        SECONDARY_KEY, inAnHour().plusSeconds(60)) + "\"}}").get(10, TimeUnit.SECONDS);
                // Ordered after the renewal on the control channel: the listener still gets accepts.
                try (Socket sender = connect(PUBLIC, PUBLIC, plainPort())) {
                    sender.getOutputStream().write(upgrade(VACANT, "connect", HOST, Credential.header("right token",
                            TestGateway.token(VACANT))).getBytes(StandardCharsets.ISO_8859_1));
                    await().atMost(TIMEOUT).until(() -> listener.accepts().size() == 1);
                }
                assertThat(listener.control().closed()).isNotDone();
            }
            await().atMost(TIMEOUT).until(() -> listeners(TestGateway.NAMESPACE, VACANT) == 0);
        }));
        for (Position position : refusedPositions()) {
            rows.add(row("listen, " + position.name(), () -> assertListenRefused(position.source(),
                    position.destination(), position.host(), position.namespace(),
                    Credential.header("right token", token(position.host(), VACANT)), 401)));
        }
        for (Position position : admittedPositions()) {
            rows.add(row("positive control: listen, right token, " + position.name(), () -> {
                double before = listeners(position.namespace(), VACANT);
                try (Socket socket = connect(position.source(), position.destination(), plainPort())) {
                    Head head = exchangeHead(socket, upgrade(VACANT, "listen", position.host(),
                            Credential.header("right token", token(position.host(), VACANT))));
                    assertThat(head.status()).as(head.toString()).isEqualTo(101);
                    await().atMost(TIMEOUT).until(() -> listeners(position.namespace(), VACANT) == before + 1);
                }
                await().atMost(TIMEOUT).until(() -> listeners(position.namespace(), VACANT) == before);
            }));
        }
        rows.add(row("positive control: listen, secondary key in sb-hc-token", () -> {
            try (Socket socket = connect(PUBLIC, PUBLIC, plainPort())) {
                Head head = exchangeHead(socket, upgrade(VACANT, "listen", HOST, new Credential("query", null,
                        HybridConnectionConstants.TOKEN + '=' + PercentCodec.encode(token(HOST, VACANT, KEY_NAME,
                                SECONDARY_KEY,
                                inAnHour())))));
                assertThat(head.status()).as(head.toString()).isEqualTo(101);
                await().atMost(TIMEOUT).until(() -> listeners(TestGateway.NAMESPACE, VACANT) == 1);
            }
        }));
        return rows.stream();
    }

    private void assertListenRefused(InetAddress source, InetAddress destination, String host, String namespace,
                                     Credential credential, int status) throws IOException {
        double before = listeners(namespace, VACANT);
        Head head = exchange(source, destination, plainPort(), upgrade(VACANT, "listen", host, credential));
        assertThat(head.status()).as(head.toString()).isEqualTo(status);
        assertRefusalText(head, status);
        assertThat(listeners(namespace, VACANT)).as("listeners registered").isEqualTo(before);
    }

    // ---------------------------------------------------------------------------------------------------------
    // connect: the sender's WebSocket.

    @TestFactory
    Stream<DynamicTest> connect() throws Exception {
        TestListener listener = listener(ECHO, new TestListener.Mode.Echo());
        RelayConnection fortressListener = listen(VM, PE_APPROVED, FORTRESS_HOST, ECHO);
        RelayConnection firewalledListener = listen(ALLOWED_OFFICE, PUBLIC, FIREWALLED_HOST, ECHO);
        List<DynamicTest> rows = new ArrayList<>();
        for (Refusal refusal : tokenRefusals(ECHO, AccessRight.SEND, true)) {
            rows.add(row("connect, " + refusal.credential().name(), () -> {
                Head head = exchange(PUBLIC, PUBLIC, plainPort(), upgrade(ECHO, "connect", HOST,
                        refusal.credential()));
                assertThat(head.status()).as(head.toString()).isEqualTo(refusal.status());
                assertRefusalText(head, refusal.status());
                assertThat(listener.accepts()).as("accepts that reached the listener").isEmpty();
            }));
        }
        rows.add(row("connect, no sb-hc-action (a connect) and no token", () -> {
            Head head = exchange(PUBLIC, PUBLIC, plainPort(), upgradeRequest("/$hc/" + ECHO, HOST, ""));
            assertThat(head.status()).as(head.toString()).isEqualTo(401);
            assertThat(listener.accepts()).isEmpty();
        }));
        rows.add(row("connect, right token on the rendezvous port (no front end there)", () -> {
            Head head = exchange(PUBLIC, PUBLIC, rendezvousPort(0), upgrade(ECHO, "connect", HOST,
                    Credential.header("right token", TestGateway.token(ECHO))));
            assertThat(head.status()).as(head.toString()).isEqualTo(404);
            assertThat(listener.accepts()).isEmpty();
        }));
        for (Position position : refusedPositions()) {
            RelayConnection control = position.namespace().equals(FORTRESS) ? fortressListener : firewalledListener;
            rows.add(row("connect, " + position.name(), () -> {
                Head head = exchange(position.source(), position.destination(), plainPort(), upgrade(ECHO, "connect",
                        position.host(), Credential.header("right token", token(position.host(), ECHO))));
                assertIpRefusal(head);
                assertThat(control.queuedMessages()).as("accepts that reached the listener").isZero();
            }));
        }
        rows.add(row("positive control: connect, right token", () -> {
            try (Socket socket = connect(PUBLIC, PUBLIC, plainPort())) {
                Head head = exchangeHead(socket, upgrade(ECHO, "connect", HOST,
                        Credential.header("right token", TestGateway.token(ECHO)), MARKER + ": public"));
                assertThat(head.status()).as(head.toString()).isEqualTo(101);
                assertThat(listener.accepts()).singleElement()
                        .satisfies(accept -> assertThat(accept.connectHeaders()).containsEntry(MARKER, "public")
                                .doesNotContainKey(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION));
            }
        }));
        for (Position position : admittedPositions()) {
            RelayConnection control = position.namespace().equals(FORTRESS) ? fortressListener : firewalledListener;
            rows.add(row("positive control: connect, right token, " + position.name(), () -> {
                AcceptCommand accept = (AcceptCommand) firstCommand(position, control, upgrade(ECHO, "connect",
                        position.host(), Credential.header("right token", token(position.host(), ECHO)),
                        MARKER + ": " + position.name()));
                assertThat(accept.connectHeaders()).containsEntry(MARKER, position.name());
            }));
        }
        return rows.stream();
    }

    // ---------------------------------------------------------------------------------------------------------
    // accept: the listener's rendezvous; the credential is the address.

    @TestFactory
    Stream<DynamicTest> accept() throws Exception {
        TestListener listener = listener(HELD, new TestListener.Mode.Ignore());
        Socket sender = connect(PUBLIC, PUBLIC, plainPort());
        closeables.add(sender);
        sender.getOutputStream().write(upgrade(HELD, "connect", HOST, Credential.header("right token",
                TestGateway.token(HELD))).getBytes(StandardCharsets.ISO_8859_1));
        await().atMost(TIMEOUT).until(() -> listener.accepts().size() == 1);
        AcceptCommand accept = listener.accepts().get(0);
        URI address = URI.create(accept.address());
        String id = accept.id();
        String target = address.getRawPath() + '?' + address.getRawQuery();
        int port = address.getPort();

        Map<String, Attempt> refusals = addressRefusals(address, id, HELD);
        refusals.put("no id", new Attempt(port, target.replace("&" + HybridConnectionConstants.ID + "=" + id, ""),
                "127.0.0.1:" + port, 403));
        refusals.put("the address on the front end", new Attempt(plainPort(), target, "127.0.0.1:" + plainPort(),
                404));
        List<DynamicTest> rows = addressRows("accept, ", refusals, sender);
        rows.add(row("accept, a fortress rendezvous address from a public source", () ->
                assertFortressAddressRefusedToPublicSource(HELD, upgrade(HELD, "connect", FORTRESS_HOST,
                        Credential.header("right token", token(FORTRESS_HOST, HELD))), true)));
        rows.add(row("positive control: accept, the address as given", () -> {
            WsPeer rendezvous = WsPeer.connect(gateway.httpClient(), address, Map.of()).get(10, TimeUnit.SECONDS);
            closeables.add(() -> rendezvous.socket().abort());
            Head head = readHead(sender.getInputStream());
            assertThat(head.status()).as(head.toString()).isEqualTo(101);
        }));
        rows.add(row("accept, an address already used", () -> {
            Head head = exchange(PUBLIC, PUBLIC, port, upgradeRequest(target, "127.0.0.1:" + port, ""));
            assertThat(head.status()).as(head.toString()).isEqualTo(403);
        }));
        rows.add(row("accept, an expired address", () -> {
            try (Socket late = connect(PUBLIC, PUBLIC, plainPort())) {
                late.getOutputStream().write(upgrade(HELD, "connect", HOST, Credential.header("right token",
                        TestGateway.token(HELD))).getBytes(StandardCharsets.ISO_8859_1));
                await().atMost(TIMEOUT).until(() -> listener.accepts().size() == 2);
                URI expired = URI.create(listener.accepts().get(1).address());
                late.setSoTimeout(30_000);
                Head timedOut = readHead(late.getInputStream());
                assertThat(timedOut.status()).as("the sender's rendezvous timed out").isEqualTo(404);
                Head head = exchange(PUBLIC, PUBLIC, expired.getPort(), upgradeRequest(expired.getRawPath() + '?'
                        + expired.getRawQuery(), expired.getAuthority(), ""));
                assertThat(head.status()).as(head.toString()).isEqualTo(403);
            }
        }));
        return rows.stream();
    }

    private record Attempt(int port, String target, String host, int status) {
    }

    /**
     * The wrong uses of a rendezvous address (accept or request) issued for {@code entity}: guessed ids, the id on
     * another entity's path or for another namespace's host (403), the id on another instance's port (404).
     */
    private Map<String, Attempt> addressRefusals(URI address, String id, String entity) {
        String target = address.getRawPath() + '?' + address.getRawQuery();
        int port = address.getPort();
        int otherPort = port == rendezvousPort(0) ? rendezvousPort(1) : rendezvousPort(0);
        Map<String, Attempt> refusals = new LinkedHashMap<>();
        refusals.put("guessed id (random)", new Attempt(port, target.replace(id, UUID.randomUUID() + "_G0"),
                "127.0.0.1:" + port, 403));
        refusals.put("guessed id (the real one with its first 8 characters changed)", new Attempt(port,
                target.replace(id, changeFirst8(id)), "127.0.0.1:" + port, 403));
        refusals.put("the id on another entity's path", new Attempt(port, target.replace("/" + entity + "?",
                "/" + OTHER_ENTITY + "?"), "127.0.0.1:" + port, 403));
        refusals.put("the id for another namespace's host", new Attempt(port, target, OTHER_HOST, 403));
        refusals.put("the id on another gateway instance's port", new Attempt(otherPort, target,
                "127.0.0.1:" + otherPort, 404));
        return refusals;
    }

    /** One row per attempt: its status, and the sender still waits with nothing received. */
    private List<DynamicTest> addressRows(String prefix, Map<String, Attempt> refusals, Socket sender) {
        List<DynamicTest> rows = new ArrayList<>();
        refusals.forEach((name, attempt) -> rows.add(row(prefix + name, () -> {
            Head head = exchange(PUBLIC, PUBLIC, attempt.port(), upgradeRequest(attempt.target(), attempt.host(), ""));
            assertThat(head.status()).as(head.toString()).isEqualTo(attempt.status());
            assertSenderStillHeld(sender);
        })));
        return rows;
    }

    /**
     * A sender in the VNet sends {@code request} through the Approved fortress endpoint to a listener of {@code entity}
     * there; a public source then opens the address the listener got and is refused 401. A refused accept leaves the
     * sender waiting ({@code senderWaits}); a refused request rendezvous fails the request at once.
     */
    private void assertFortressAddressRefusedToPublicSource(String entity, String request, boolean senderWaits)
            throws Exception {
        try (Socket fortressSender = connect(VM, PE_APPROVED, plainPort())) {
            RelayConnection control = listen(VM, PE_APPROVED, FORTRESS_HOST, entity);
            fortressSender.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ControlCommand command = ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
            URI address = URI.create(command instanceof AcceptCommand accept ? accept.address()
                    : ((RequestCommand) command).address());
            assertIpRefusal(exchange(PUBLIC, PE_APPROVED, address.getPort(), upgradeRequest(address.getRawPath() + '?'
                    + address.getRawQuery(), address.getAuthority(), "")));
            if (senderWaits) {
                assertSenderStillHeld(fortressSender);
            }
            control.abort();
        }
    }

    private static void assertSenderStillHeld(Socket sender) throws IOException {
        assertThat(sender.isClosed()).isFalse();
        assertThat(sender.getInputStream().available()).as("bytes the held sender got").isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // request: the listener's HTTP request rendezvous; the credential is the address.

    @TestFactory
    Stream<DynamicTest> requestRendezvous() throws Exception {
        TestListener listener = listener(REQUESTS, new TestListener.Mode.Ignore());
        Socket sender = connect(PUBLIC, PUBLIC, plainPort());
        closeables.add(sender);
        // Chunked, of unknown length: announced address-only, the listener must open the address to see it.
        sender.getOutputStream().write(("POST /" + REQUESTS + " HTTP/1.1\r\nHost: " + HOST + "\r\n"
                + HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + TestGateway.token(REQUESTS) + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1));
        await().atMost(TIMEOUT).until(() -> listener.otherCommands().size() == 1);
        RequestCommand announced = (RequestCommand) ControlCommandCodec.decode(listener.otherCommands().get(0));
        assertThat(announced.method()).as("address-only form").isNull();
        URI address = URI.create(announced.address());
        String id = announced.id();
        String target = address.getRawPath() + '?' + address.getRawQuery();
        int port = address.getPort();

        List<DynamicTest> rows = addressRows("request rendezvous, ", addressRefusals(address, id, REQUESTS), sender);
        rows.add(row("request rendezvous, a fortress request address from a public source", () ->
                assertFortressAddressRefusedToPublicSource(REQUESTS, "POST /" + REQUESTS + " HTTP/1.1\r\n"
                        + "Host: 127.20.0.4\r\n" + HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": "
                        + token(FORTRESS_HOST, REQUESTS) + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                        false)));
        rows.add(row("positive control: request rendezvous, the address as given", () -> {
            WsPeer rendezvous = WsPeer.connect(gateway.httpClient(), address, Map.of()).get(10, TimeUnit.SECONDS);
            closeables.add(() -> rendezvous.socket().abort());
            RequestCommand full = (RequestCommand) ControlCommandCodec.decode(rendezvous.next().asText());
            assertThat(full.id()).isEqualTo(id);
            assertThat(full.method()).isEqualTo("POST");
            assertThat(full.requestHeaders().keySet()).noneMatch(name -> name.equalsIgnoreCase(
                    HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION));
        }));
        rows.add(row("request rendezvous, an address already used", () -> {
            Head head = exchange(PUBLIC, PUBLIC, port, upgradeRequest(target, "127.0.0.1:" + port, ""));
            assertThat(head.status()).as(head.toString()).isEqualTo(403);
        }));
        rows.add(row("request rendezvous, the address of a request that is over", () -> {
            sender.close();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                Head head = exchange(PUBLIC, PUBLIC, port, upgradeRequest(target, "127.0.0.1:" + port, ""));
                assertThat(head.status()).as(head.toString()).isEqualTo(403);
            });
        }));
        return rows.stream();
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP request mode: a plain HTTP sender.

    @TestFactory
    Stream<DynamicTest> httpRequestMode() throws Exception {
        TestListener listener = listener(WEB, new TestListener.Mode.Ignore());
        RelayConnection fortressListener = listen(VM, PE_APPROVED, FORTRESS_HOST, WEB);
        RelayConnection firewalledListener = listen(ALLOWED_OFFICE, PUBLIC, FIREWALLED_HOST, WEB);
        List<DynamicTest> rows = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>(tokenRefusals(WEB, AccessRight.SEND, false));
        refusals.add(new Refusal(new Credential("Authorization header with a token for another entity",
                "Authorization: " + token(HOST, OTHER_ENTITY, KEY_NAME, KEY, inAnHour()), null), 403));
        refusals.add(new Refusal(new Credential("sb-hc-token with a wrong key", null, HybridConnectionConstants.TOKEN
                + '=' + PercentCodec.encode(token(HOST, WEB, KEY_NAME, WRONG_KEY, inAnHour()))), 401));
        for (Refusal refusal : refusals) {
            rows.add(row("HTTP, " + refusal.credential().name(), () -> {
                Head head = exchange(PUBLIC, PUBLIC, plainPort(), httpRequest(WEB, HOST, refusal.credential(), ""));
                assertThat(head.status()).as(head.toString()).isEqualTo(refusal.status());
                assertRefusalText(head, refusal.status());
                assertThat(listener.otherCommands()).as("requests that reached the listener").isEmpty();
            }));
        }
        for (Position position : refusedPositions()) {
            RelayConnection control = position.namespace().equals(FORTRESS) ? fortressListener : firewalledListener;
            rows.add(row("HTTP, " + position.name(), () -> {
                Head head = exchange(position.source(), position.destination(), plainPort(), httpRequest(WEB,
                        position.host(), Credential.header("right token", token(position.host(), WEB)), ""));
                assertIpRefusal(head);
                assertThat(control.queuedMessages()).as("requests that reached the listener").isZero();
            }));
        }
        rows.add(row("positive control: HTTP, right token", () -> {
            try (Socket socket = connect(PUBLIC, PUBLIC, plainPort())) {
                socket.getOutputStream().write(httpRequest(WEB, HOST, Credential.header("right token",
                        TestGateway.token(WEB)), MARKER + ": public").getBytes(StandardCharsets.ISO_8859_1));
                await().atMost(TIMEOUT).until(() -> listener.otherCommands().size() == 1);
                RequestCommand request = (RequestCommand) ControlCommandCodec.decode(listener.otherCommands().get(0));
                assertThat(request.requestHeaders()).containsEntry(MARKER, "public");
                assertThat(request.requestHeaders().keySet()).noneMatch(
                        name -> name.equalsIgnoreCase(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION));
                listener.control().sendText("{\"response\":{\"requestId\":\"" + request.id()
                        + "\",\"statusCode\":200,\"body\":false}}").get(10, TimeUnit.SECONDS);
                Head head = readHead(socket.getInputStream());
                assertThat(head.status()).as(head.toString()).isEqualTo(200);
            }
        }));
        rows.add(row("HTTP, no token on a keep-alive connection whose first request was authorized", () -> {
            try (Socket socket = connect(PUBLIC, PUBLIC, plainPort())) {
                socket.getOutputStream().write(httpRequest(WEB, HOST, Credential.header("right token",
                        TestGateway.token(WEB)), "").getBytes(StandardCharsets.ISO_8859_1));
                await().atMost(TIMEOUT).until(() -> listener.otherCommands().size() == 2);
                RequestCommand first = (RequestCommand) ControlCommandCodec.decode(listener.otherCommands().get(1));
                listener.control().sendText("{\"response\":{\"requestId\":\"" + first.id()
                        + "\",\"statusCode\":200,\"body\":false}}").get(10, TimeUnit.SECONDS);
                Head answered = readHead(socket.getInputStream());
                assertThat(answered.status()).isEqualTo(200);
                assertThat(answered.text().toLowerCase(Locale.ROOT)).contains("content-length: 0");

                Head second = exchangeHead(socket, httpRequest(WEB, HOST, Credential.none(), ""));
                assertThat(second.status()).as(second.toString()).isEqualTo(401);
                assertThat(listener.otherCommands()).as("requests that reached the listener").hasSize(2);
            }
        }));
        for (Position position : admittedPositions()) {
            RelayConnection control = position.namespace().equals(FORTRESS) ? fortressListener : firewalledListener;
            rows.add(row("positive control: HTTP, right token, " + position.name(), () -> {
                RequestCommand request = (RequestCommand) firstCommand(position, control, httpRequest(WEB,
                        position.host(), Credential.header("right token", token(position.host(), WEB)),
                        MARKER + ": " + position.name()));
                assertThat(request.requestHeaders()).containsEntry(MARKER, position.name());
            }));
        }
        return rows.stream();
    }

    /**
     * A listener answering, on its own control channel, a request that went to another listener (of another hybrid
     * connection) is ignored: the sender gets the answer of the listener its request went to.
     */
    @Test
    void aResponseFromAListenerTheRequestDidNotGoToIsDropped() throws Exception {
        TestListener listener = listener(ANSWERS, new TestListener.Mode.Ignore());
        TestListener intruder = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, OTHER_ENTITY),
                token(HOST, OTHER_ENTITY, KEY_NAME, KEY, inAnHour()), new TestListener.Mode.Ignore());
        closeables.add(intruder);
        try (Socket sender = connect(PUBLIC, PUBLIC, plainPort())) {
            sender.getOutputStream().write(httpRequest(ANSWERS, HOST, Credential.header("right token",
                    TestGateway.token(ANSWERS)), "").getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(TIMEOUT).until(() -> listener.otherCommands().size() == 1);
            String id = ((RequestCommand) ControlCommandCodec.decode(listener.otherCommands().get(0))).id();

            intruder.control().sendText("{\"response\":{\"requestId\":\"" + id + "\",\"statusCode\":299,"
                    + "\"body\":false}}").get(10, TimeUnit.SECONDS);
            // Then something the gateway answers on the same channel: once it has, the response above was handled.
            intruder.control().sendText("{\"accept\":{}}").get(10, TimeUnit.SECONDS);
            assertThat(intruder.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);

            listener.control().sendText("{\"response\":{\"requestId\":\"" + id + "\",\"statusCode\":202,"
                    + "\"body\":false}}").get(10, TimeUnit.SECONDS);
            Head head = readHead(sender.getInputStream());
            assertThat(head.status()).as(head.toString()).isEqualTo(202);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The management API: ARM routes and relaysim's own routes need the admin key; /health and /metrics are public.

    @TestFactory
    Stream<DynamicTest> management() {
        String contoso = SCOPE + "/providers/Microsoft.Relay/namespaces/" + TestGateway.OTHER_NAMESPACE;
        String ruleSet = contoso + "/networkRuleSets/default";
        String denyAll = "{\"properties\":{\"publicNetworkAccess\":\"Enabled\",\"defaultAction\":\"Deny\","
                + "\"ipRules\":[]}}";
        String listKeys = contoso + "/authorizationRules/" + KEY_NAME + "/listKeys";
        String approve = SCOPE + "/providers/Microsoft.Relay/namespaces/" + FORTRESS
                + "/privateEndpointConnections/pe-pending";
        String approveBody = "{\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Approved\","
                + "\"description\":\"let me in\"}}}";
        String vnet = SCOPE + "/providers/Microsoft.Network/virtualNetworks/vnet-intruder";
        String vnetBody = "{\"location\":\"westeurope\",\"properties\":{\"addressSpace\":{\"addressPrefixes\":"
                + "[\"127.22.0.0/16\"]},\"subnets\":[{\"name\":\"default\",\"properties\":{\"addressPrefix\":"
                + "\"127.22.0.0/24\"}}]}}";
        String dnsFaults = "/relaysim/dns/faults";
        String faults = "/relaysim/faults/rendezvous";
        String faultsBody = "{\"blockedRendezvousPorts\":[{\"ports\":\"9400-9599\",\"sources\":\"0.0.0.0/0\"}]}";
        List<String[]> requests = List.<String[]>of(
                new String[] {"GET", contoso, null},
                new String[] {"PUT", ruleSet, denyAll},
                new String[] {"POST", listKeys, null},
                new String[] {"PUT", approve, approveBody},
                new String[] {"PUT", vnet, vnetBody},
                new String[] {"GET", faults, null},
                new String[] {"PUT", faults, faultsBody},
                new String[] {"GET", dnsFaults, null},
                new String[] {"PUT", dnsFaults, "{\"missingARecords\":[\"fortress\"]}"});
        List<String[]> authorizations = List.<String[]>of(
                new String[] {"no Authorization header", null},
                new String[] {"wrong admin key", "Bearer not-the-admin-key"},
                new String[] {"admin key with another scheme", "Basic " + ADMIN_KEY},
                new String[] {"admin key with a suffix", "Bearer " + ADMIN_KEY + "x"},
                new String[] {"prefix of the admin key", "Bearer " + ADMIN_KEY.substring(0, ADMIN_KEY.length() - 1)},
                new String[] {"a SAS token instead of the admin key", "Bearer " + TestGateway.token(ECHO)},
                new String[] {"the root SAS key instead of the admin key", "Bearer " + KEY});
        List<DynamicTest> rows = new ArrayList<>();
        for (String[] request : requests) {
            for (String[] authorization : authorizations) {
                rows.add(row("management " + request[0] + " " + request[1].replace(SCOPE, "") + ", "
                        + authorization[0], () -> {
                    NetworkModel before = gateway.server().networkState().current();
                    RendezvousFaults faultsBefore = gateway.server().rendezvousFaults().get();
                    DnsFaults dnsFaultsBefore = gateway.server().dnsFaults().get();
                    HttpResponse<String> response = management(request[0], request[1], request[2], authorization[1]);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
                    assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
                    assertThat(response.body()).doesNotContain(KEY).doesNotContain(SECONDARY_KEY)
                            .doesNotContain(ADMIN_KEY);
                    assertThat(gateway.server().networkState().current()).as("network state").isEqualTo(before);
                    assertThat(gateway.server().rendezvousFaults().get()).as("faults").isEqualTo(faultsBefore);
                    assertThat(gateway.server().dnsFaults().get()).as("DNS faults").isEqualTo(dnsFaultsBefore);
                }));
            }
        }
        rows.add(row("management GET /health without a key is public", () -> {
            HttpResponse<String> response = management("GET", "/health", null, null);
            assertThat(response.statusCode()).isEqualTo(200);
        }));
        rows.add(row("management GET /metrics without a key is public and shows no secret", () -> {
            HttpResponse<String> response = management("GET", "/metrics", null, null);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains(RelayMeters.LISTENERS_CONNECTED.replace('.', '_'))
                    .doesNotContain(KEY).doesNotContain(SECONDARY_KEY).doesNotContain(ADMIN_KEY)
                    .doesNotContain(LISTEN_KEY).doesNotContain(SEND_KEY);
        }));
        rows.add(row("positive control: management listKeys and a GET with the admin key", () -> {
            HttpResponse<String> keys = management("POST", listKeys, null, "Bearer " + ADMIN_KEY);
            assertThat(keys.statusCode()).as(keys.body()).isEqualTo(200);
            assertThat(keys.body()).contains(KEY);
            assertThat(management("GET", faults, null, "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(200);
        }));
        rows.add(row("positive control: management PUT with the admin key changes the state", () -> {
            NetworkModel before = gateway.server().networkState().current();
            HttpResponse<String> response = management("PUT", ruleSet, "{\"properties\":{\"publicNetworkAccess\":"
                    + "\"Enabled\",\"defaultAction\":\"Allow\",\"ipRules\":[{\"ipMask\":\"127.30.0.0/24\","
                    + "\"action\":\"Allow\"}]}}", "Bearer " + ADMIN_KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(gateway.server().networkState().current()).isNotEqualTo(before);
        }));
        return rows.stream();
    }

    private HttpResponse<String> management(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        return gateway.management(method, path + (path.startsWith("/subscriptions") ? "?api-version=2021-11-01" : ""),
                authorization, body);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Network positions.

    /** Where a client sits and which address it dials, for a namespace addressed as {@code host}. */
    private record Position(String name, InetAddress source, InetAddress destination, String host, String namespace) {
    }

    private static List<Position> refusedPositions() {
        return List.of(
                new Position("public source, public access Disabled", PUBLIC, PUBLIC, FORTRESS_HOST, FORTRESS),
                new Position("VM in the VNet through a Pending endpoint", VM, PE_PENDING, "127.20.0.5", FORTRESS),
                new Position("VM in the VNet through a Rejected endpoint", VM, PE_REJECTED, "127.20.0.6", FORTRESS),
                new Position("VM in the VNet through a Disconnected endpoint", VM, PE_DISCONNECTED, "127.20.0.7",
                        FORTRESS),
                new Position("source outside any VNet at the Approved endpoint", OUTSIDE, PE_APPROVED, "127.20.0.4",
                        FORTRESS),
                new Position("source in a VNet not connected to the endpoint's", UNCONNECTED_VNET, PE_APPROVED,
                        "127.20.0.4", FORTRESS),
                new Position("VM through the Approved endpoint, asking for another namespace", VM, PE_APPROVED,
                        HOST, TestGateway.NAMESPACE),
                new Position("IP-rule miss with defaultAction Deny", OTHER_OFFICE, PUBLIC, FIREWALLED_HOST,
                        FIREWALLED));
    }

    private static List<Position> admittedPositions() {
        return List.of(
                new Position("VM in the VNet through the Approved endpoint", VM, PE_APPROVED, "127.20.0.4", FORTRESS),
                new Position("source matching an IP rule", ALLOWED_OFFICE, PUBLIC, FIREWALLED_HOST, FIREWALLED));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers.

    private static DynamicTest row(String name, Executable body) {
        return dynamicTest(name, body);
    }

    /** A listener on {@code entity} of the default namespace, closed after all rows. */
    private TestListener listener(String entity, TestListener.Mode mode) throws Exception {
        TestListener listener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, entity),
                TestGateway.token(entity), mode);
        closeables.add(listener);
        return listener;
    }

    /**
     * Sends {@code request} from {@code position} and returns the first command {@code control} ever got, which must
     * be the one this request caused: had a refused row reached the listener, its command would have come first.
     */
    private ControlCommand firstCommand(Position position, RelayConnection control, String request)
            throws Exception {
        try (Socket socket = connect(position.source(), position.destination(), plainPort())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        }
    }

    private RelayConnection listen(InetAddress source, InetAddress destination, String host, String entity)
            throws Exception {
        RelayWebSocketClient client = new RelayWebSocketClient(SslContexts.forClient(
                gateway.server().certificateAuthority().caCertificatePem()), RelayClientConfig.defaults(), null,
                source);
        clients.add(client);
        HttpHeaders headers = new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                token(host.equals(destination.getHostAddress()) ? FORTRESS_HOST : host, entity));
        URI uri = URI.create("ws://" + destination.getHostAddress() + ':' + plainPort() + "/$hc/" + entity
                + "?sb-hc-action=listen");
        if (!host.equals(destination.getHostAddress())) {
            headers.add("Host", host);
        }
        return client.connect(uri, headers, null, TIMEOUT).get(10, TimeUnit.SECONDS);
    }

    private double listeners(String namespace, String entity) {
        Gauge gauge = gateway.server().meterRegistry().find(RelayMeters.LISTENERS_CONNECTED)
                .tag(RelayMeters.NAMESPACE, namespace).tag(RelayMeters.ENTITY, entity).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private int plainPort() {
        return gateway.addresses().plainPort();
    }

    private int rendezvousPort(int instance) {
        return gateway.addresses().rendezvous().get(instance).getPort();
    }

    private static PrivateEndpoint endpoint(String name, InetAddress address, ConnectionStatus status) {
        return new PrivateEndpoint(name, "westeurope", "vnet1", "default", (Inet4Address) address, status,
                "test", status != ConnectionStatus.APPROVED);
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    /** A one-hour root token for {@code http://<host>/<entity>/}; an IP literal host means the fortress namespace. */
    private static String token(String host, String entity) {
        String audienceHost = host.startsWith("127.") ? FORTRESS_HOST : host;
        return token(audienceHost, entity, KEY_NAME, KEY, inAnHour());
    }

    private static String token(String host, String entity, String keyName, String key, Instant expiresAt) {
        return SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(host, entity), keyName, key,
                expiresAt);
    }

    private static String changeFirst8(String id) {
        StringBuilder changed = new StringBuilder(id);
        for (int i = 0; i < 8; i++) {
            char c = changed.charAt(i);
            changed.setCharAt(i, c == '0' ? '1' : '0');
        }
        return changed.toString();
    }

    private static String upgrade(String entity, String action, String host, Credential credential,
                                  String... extraHeaders) {
        return upgradeRequest("/$hc/" + entity + "?sb-hc-action=" + action + credential.queryPart(), host,
                credential.headerLines() + String.join("", Stream.of(extraHeaders).map(h -> h + "\r\n").toList()));
    }

    private static String upgradeRequest(String target, String host, String headerLines) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + headerLines
                + "\r\n";
    }

    private static String httpRequest(String entity, String host, Credential credential, String extraHeader) {
        return "GET /" + entity + (credential.query() == null ? "" : "?" + credential.query()) + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n" + credential.headerLines()
                + (extraHeader.isEmpty() ? "" : extraHeader + "\r\n") + "\r\n";
    }

    /** A response head: status line and headers. */
    private record Head(int status, String text) {
    }

    private static Socket connect(InetAddress source, InetAddress destination, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(destination, port), 10_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static Head exchange(InetAddress source, InetAddress destination, int port, String request)
            throws IOException {
        try (Socket socket = connect(source, destination, port)) {
            return exchangeHead(socket, request);
        }
    }

    private static Head exchangeHead(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return readHead(socket.getInputStream());
    }

    /** Reads a response head (up to the empty line) and nothing more, so an upgrade's frames stay unread. */
    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return new Head(Integer.parseInt(text.split(" ", 3)[1]), text);
    }

    private static void assertRefusalText(Head head, int status) {
        assertThat(head.text()).as("a refusal, not a 101").doesNotContain("Upgrade: websocket");
        assertThat(head.status()).isEqualTo(status);
    }

    private static void assertIpRefusal(Head head) {
        assertThat(head.status()).as(head.toString()).isEqualTo(401);
        assertThat(head.text()).contains(NetworkGuard.IP_REFUSED);
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
