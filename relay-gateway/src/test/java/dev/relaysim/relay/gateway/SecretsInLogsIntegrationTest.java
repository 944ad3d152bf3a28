package dev.relaysim.relay.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys and tokens never appear in logs: a full run (listen over TLS and plain, tokens in the header and in
 * {@code sb-hc-token}, connect, accept, data, HTTP request mode with each token carrier, token renewal, refusals
 * with bad, tampered, expired and malformed tokens, requests the HTTP codec rejects, management API calls with and
 * without the admin key, listKeys) with every logger at TRACE, captured with a logback {@link ListAppender} on the
 * root logger; then no log line (message, exception messages and stack traces) holds a key of any rule, the admin
 * key, a whole SAS token or a signature (raw, percent-encoded once or twice), and no {@code sig=} value at all.
 */
@Timeout(120)
class SecretsInLogsIntegrationTest {

    private static final String ENTITY = "echo";
    private static final String OPEN_ENTITY = "open";
    private static final String ENTITY_RULE = "entity-listen-send";
    private static final String ADMIN_KEY = ListenSettings.DEFAULT_ADMIN_KEY;
    private static final String SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/relaysim";
    private static final Pattern SIGNATURE_VALUE = Pattern.compile("(?i)sig(=|%3D|%253D)(?!\\*\\*\\*)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String rootKey = randomKey();
    private final String rootSecondaryKey = randomKey();
    private final String listenKey = randomKey();
    private final String sendKey = randomKey();
    private final String entityKey = randomKey();
    private final String entitySecondaryKey = randomKey();
    private final Set<String> tokens = new LinkedHashSet<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<Logger, Level> levels = new HashMap<>();
    private ListAppender<ILoggingEvent> appender;
    private TestGateway gateway;

    @BeforeEach
    void captureEverything() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.TRACE);
            }
        }
        AuthorizationRuleConfig rootRule = new AuthorizationRuleConfig("RootManageSharedAccessKey", rootKey,
                rootSecondaryKey, EnumSet.allOf(AccessRight.class));
        AuthorizationRuleConfig listenRule = new AuthorizationRuleConfig("listen-only", listenKey, listenKey,
                EnumSet.of(AccessRight.LISTEN));
        AuthorizationRuleConfig sendRule = new AuthorizationRuleConfig("send-only", sendKey, sendKey,
                EnumSet.of(AccessRight.SEND));
        AuthorizationRuleConfig entityRule = new AuthorizationRuleConfig(ENTITY_RULE, entityKey, entitySecondaryKey,
                EnumSet.of(AccessRight.LISTEN, AccessRight.SEND));
        NamespaceConfig sandbox = new NamespaceConfig(TestGateway.NAMESPACE, TestGateway.HOST,
                List.of(rootRule, listenRule, sendRule), List.of(
                new HybridConnectionConfig(ENTITY, true, List.of(entityRule)),
                new HybridConnectionConfig(OPEN_ENTITY, false, List.of())));
        gateway = TestGateway.builder().namespaces(List.of(sandbox), TestGateway.NAMESPACE).start();
    }

    @AfterEach
    void restore() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        levels.forEach(Logger::setLevel);
    }

    @Test
    void aFullRunLogsNoKeyNoTokenAndNoSignature() throws Exception {
        fullRun();
        gateway.close();

        List<String> lines = logLines();
        // The run logged what it did, at every level it has: the scan below is not vacuous.
        assertThat(lines).anyMatch(line -> line.contains("refused 401"))
                .anyMatch(line -> line.contains("refused 403"))
                .anyMatch(line -> line.contains("renewed its token"))
                .anyMatch(line -> line.contains("keys of authorization rule"))
                .anyMatch(line -> line.contains("management") && line.contains("401"))
                .anyMatch(line -> line.contains("renewToken refused"))
                .anyMatch(line -> line.contains("bad request target"));
        assertThat(appender.list).anyMatch(event -> event.getLevel() == Level.DEBUG);

        Set<String> secrets = secrets();
        assertThat(lines).as("log lines holding a key, a token or a signature")
                .filteredOn(line -> secrets.stream().anyMatch(line::contains) || SIGNATURE_VALUE.matcher(line).find())
                .isEmpty();
    }

    @Test
    void theScanFindsASecretThatIsLogged() {
        String token = token(ENTITY, "RootManageSharedAccessKey", rootKey, inAnHour());
        LoggerFactory.getLogger(SecretsInLogsIntegrationTest.class).debug("planted {}", token,
                new IllegalStateException("planted " + rootSecondaryKey));

        List<String> lines = logLines();
        Set<String> secrets = secrets();
        assertThat(lines).anyMatch(line -> secrets.stream().anyMatch(line::contains))
                .anyMatch(line -> line.contains(rootSecondaryKey))
                .anyMatch(line -> SIGNATURE_VALUE.matcher(line).find());
    }

    private void fullRun() throws Exception {
        Instant inAnHour = inAnHour();
        String rootToken = token(ENTITY, "RootManageSharedAccessKey", rootKey, inAnHour);

        // Listeners: TLS with the token in the header, plain with the token (entity rule, secondary key) in the query.
        TestListener tlsListener = TestListener.connect(gateway.httpClient(), gateway.listenUri(true, ENTITY),
                rootToken, new TestListener.Mode.Echo());
        closeables.add(tlsListener);
        String queryToken = token(ENTITY, ENTITY_RULE, entitySecondaryKey, inAnHour);
        TestListener queryListener = TestListener.connect(gateway.httpClient(), gateway.uri(false, ENTITY,
                "sb-hc-action=listen&" + HybridConnectionConstants.TOKEN + "=" + PercentCodec.encode(queryToken)),
                null, new TestListener.Mode.Echo());
        closeables.add(queryListener);

        // Senders and data, header and query tokens; both listeners get a turn.
        for (int i = 0; i < 4; i++) {
            String sendToken = token(ENTITY, "send-only", sendKey, inAnHour);
            WsPeer sender = i % 2 == 0
                    ? WsPeer.connect(gateway.httpClient(), gateway.connectUri(true, ENTITY),
                    Map.of(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION, sendToken)).get(10, TimeUnit.SECONDS)
                    : WsPeer.connect(gateway.httpClient(), gateway.uri(false, ENTITY, "sb-hc-action=connect&"
                    + HybridConnectionConstants.TOKEN + "=" + PercentCodec.encode(sendToken)), Map.of())
                    .get(10, TimeUnit.SECONDS);
            sender.sendText("hello " + i).get(10, TimeUnit.SECONDS);
            assertThat(sender.next().asText()).isEqualTo("hello " + i);
            sender.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            sender.closed().get(10, TimeUnit.SECONDS);
        }

        // Token renewal on the control channel; a renewal with a bad token closes another listener's channel.
        tlsListener.control().sendText("{\"renewToken\":{\"token\":\"" + token(ENTITY, "RootManageSharedAccessKey",
                rootSecondaryKey, inAnHour.plusSeconds(60)) + "\"}}").get(10, TimeUnit.SECONDS);
        TestListener doomed = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                token(ENTITY, "listen-only", listenKey, inAnHour), new TestListener.Mode.Echo());
        closeables.add(doomed);
        doomed.control().sendText("{\"renewToken\":{\"token\":\"" + token(ENTITY, "listen-only", rootKey, inAnHour)
                + "\"}}").get(10, TimeUnit.SECONDS);
        assertThat(doomed.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);

        // Control commands the codec rejects, each quoting a token somewhere.
        String renewal = token(ENTITY, "listen-only", listenKey, inAnHour);
        String sigFirst = sigFirst(renewal);
        for (String invalid : List.of(
                "{\"renewToken\":{\"token\":\"" + renewal + "\"}",
                "{\"renewToken\":{\"token\":\"" + renewal + "\"},\"x\":\"" + renewal + "\"}",
                "{\"renewToken\":{\"token\":{\"value\":\"" + renewal + "\"}}}",
                "{\"renewToken\":{\"token\":" + sigFirst + "}}",
                "{\"renewToken\":{\"token\":sig=" + signature(renewal) + "}}",
                "{\"" + sigFirst + "\":{}}",
                "{\"renewToken\":{\"token\":\"" + sigFirst + "\"}} trailing " + sigFirst)) {
            TestListener invalidSender = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, ENTITY),
                    renewal, new TestListener.Mode.Echo());
            closeables.add(invalidSender);
            invalidSender.control().sendText(invalid).get(10, TimeUnit.SECONDS);
            assertThat(invalidSender.control().closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }

        // Refusals: wrong key, tampered, expired, unknown rule, wrong rights; in the header and in the query.
        int plain = gateway.addresses().plainPort();
        List<String> badTokens = List.of(
                token(ENTITY, "RootManageSharedAccessKey", randomKey(), inAnHour),
                tamper(token(ENTITY, "RootManageSharedAccessKey", rootKey, inAnHour)),
                token(ENTITY, "RootManageSharedAccessKey", rootKey, Instant.now().minusSeconds(300)),
                token(ENTITY, "no-such-rule", rootKey, inAnHour),
                token("elsewhere", "RootManageSharedAccessKey", rootKey, inAnHour));
        for (String bad : badTokens) {
            for (String action : List.of("listen", "connect")) {
                assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action="
                        + action, TestGateway.HOST, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + bad))
                        .status()).isBetween(401, 403);
                assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action="
                        + action + "&sb-hc-token=" + PercentCodec.encode(bad), TestGateway.HOST)).status())
                        .isBetween(401, 403);
            }
            assertThat(RawHttp.exchange(plain, "GET /" + ENTITY + "?sb-hc-token=" + PercentCodec.encode(bad)
                    + " HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nConnection: close\r\n\r\n").status())
                    .isBetween(401, 403);
            assertThat(RawHttp.exchange(plain, "GET /" + ENTITY + " HTTP/1.1\r\nHost: " + TestGateway.HOST
                    + "\r\nAuthorization: " + bad + "\r\nConnection: close\r\n\r\n").status()).isBetween(401, 403);
        }
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=listen",
                TestGateway.HOST, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token(ENTITY,
                        "send-only", sendKey, inAnHour))).status()).isEqualTo(403);
        // A token the parser rejects, a request target that does not parse, a request the HTTP codec rejects: each
        // carrying a good token.
        String sig = signature(rootToken);
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=connect",
                TestGateway.HOST, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": SharedAccessSignature sig="
                        + sig + "&" + sig)).status()).isEqualTo(401);
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=connect&"
                + "sb-hc-token=" + PercentCodec.encode(rootToken) + "%ZZ", TestGateway.HOST)).status()).isEqualTo(400);
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=connect&"
                + "sb-hc-token=" + PercentCodec.encode(sigFirst) + "%ZZ", TestGateway.HOST)).status()).isEqualTo(400);
        assertThat(RawHttp.exchange(plain, "GET /" + ENTITY + "?sb-hc-token=" + PercentCodec.encode(sigFirst)
                + "%ZZ HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nConnection: close\r\n\r\n").status())
                .isBetween(400, 401);
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=connect",
                TestGateway.HOST, HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": SharedAccessSignature sr="
                        + "x&se=1&skn=RootManageSharedAccessKey&sig=" + signature(rootToken) + "!")).status())
                .isEqualTo(401);
        assertThat(RawHttp.exchange(plain, RawHttp.upgradeRequest("/$hc/" + ENTITY + "?sb-hc-action=bogus&"
                + "sb-hc-token=" + PercentCodec.encode(rootToken), TestGateway.HOST)).status()).isEqualTo(400);
        assertThat(RawHttp.exchange(plain, "GET /$hc/" + ENTITY + "?sb-hc-token=" + PercentCodec.encode(rootToken)
                + " HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nBad Header With Spaces: " + rootToken + "\r\n\r\n")
                .status()).isEqualTo(400);
        assertThat(RawHttp.exchange(plain, "GET /$hc/" + ENTITY + "?sb-hc-token=" + PercentCodec.encode(rootToken)
                + " HTTP/1.1\r\nHost: " + TestGateway.HOST + "\r\nX-Big: " + "x".repeat(40 * 1024) + "\r\n\r\n")
                .status()).isEqualTo(431);

        // HTTP request mode with each token carrier; the listener answers on its control channel.
        TestListener httpListener = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, OPEN_ENTITY),
                token(OPEN_ENTITY, "RootManageSharedAccessKey", rootKey, inAnHour), new TestListener.Mode.Ignore());
        closeables.add(httpListener);
        List<String> carriers = List.of(
                HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token(OPEN_ENTITY, "send-only", sendKey,
                        inAnHour),
                "Authorization: " + token(OPEN_ENTITY, "send-only", sendKey, inAnHour),
                "X-Query: yes");
        for (int i = 0; i < carriers.size(); i++) {
            String query = i == 2 ? "?sb-hc-token=" + PercentCodec.encode(token(OPEN_ENTITY, "send-only", sendKey,
                    inAnHour)) : "";
            int expected = i + 1;
            CompletableFuture<RawHttp.Response> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(plain, "GET /" + OPEN_ENTITY + query + " HTTP/1.1\r\nHost: "
                            + TestGateway.HOST + "\r\n" + carriers.get(expected - 1) + "\r\nConnection: close\r\n\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> httpListener.otherCommands().size() == expected);
            RequestCommand request = (RequestCommand) ControlCommandCodec.decode(httpListener.otherCommands()
                    .get(expected - 1));
            httpListener.control().sendText("{\"response\":{\"requestId\":\"" + request.id()
                    + "\",\"statusCode\":200,\"body\":false}}").get(10, TimeUnit.SECONDS);
            assertThat(response.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }

        // A listener that appends a token to its accept address (some helpers do): accepted, and not logged.
        httpListener.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.server().meterRegistry()
                .get(RelayMeters.LISTENERS_CONNECTED).tag(RelayMeters.ENTITY, OPEN_ENTITY).gauge().value() == 0);
        TestListener ignoring = TestListener.connect(gateway.httpClient(), gateway.listenUri(false, OPEN_ENTITY),
                token(OPEN_ENTITY, "listen-only", listenKey, inAnHour), new TestListener.Mode.Ignore());
        closeables.add(ignoring);
        var held = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, OPEN_ENTITY), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> ignoring.accepts().size() == 1);
        AcceptCommand accept = ignoring.accepts().get(0);
        WsPeer rendezvous = WsPeer.connect(gateway.httpClient(), URI.create(accept.address() + "&sb-hc-token="
                + PercentCodec.encode(token(OPEN_ENTITY, "listen-only", listenKey, inAnHour))), Map.of())
                .get(10, TimeUnit.SECONDS);
        closeables.add(() -> rendezvous.socket().abort());
        closeables.add(() -> held.get(10, TimeUnit.SECONDS).socket().abort());

        // Management API: with the admin key (listKeys included), without, with a wrong one.
        String namespace = SCOPE + "/providers/Microsoft.Relay/namespaces/" + TestGateway.NAMESPACE;
        assertThat(management("POST", namespace + "/authorizationRules/RootManageSharedAccessKey/listKeys",
                "Bearer " + ADMIN_KEY, null).body()).contains(rootKey);
        assertThat(management("POST", namespace + "/hybridConnections/" + ENTITY + "/authorizationRules/"
                + ENTITY_RULE + "/listKeys", "Bearer " + ADMIN_KEY, null).body()).contains(entityKey);
        assertThat(management("GET", namespace, "Bearer " + ADMIN_KEY, null).statusCode()).isEqualTo(200);
        assertThat(management("PUT", namespace + "/networkRuleSets/default", "Bearer " + ADMIN_KEY,
                "{\"properties\":{\"publicNetworkAccess\":\"Enabled\",\"defaultAction\":\"Allow\"}}").statusCode())
                .isEqualTo(200);
        assertThat(management("GET", namespace, null, null).statusCode()).isEqualTo(401);
        assertThat(management("GET", namespace, "Bearer " + rootKey, null).statusCode()).isEqualTo(401);
        assertThat(management("GET", namespace, "Basic " + ADMIN_KEY, null).statusCode()).isEqualTo(401);
        assertThat(management("PUT", namespace + "/networkRuleSets/default", "Bearer " + ADMIN_KEY,
                "{\"properties\": " + rootToken).statusCode()).isEqualTo(400);
        assertThat(management("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> management(String method, String path, String authorization, String body)
            throws Exception {
        return gateway.management(method, path + "?api-version=2021-11-01", authorization, body);
    }

    /** Every captured event as text: logger, level, formatted message and the whole exception with its causes. */
    private List<String> logLines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent event : appender.list) {
                StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(" - ").append(event.getFormattedMessage());
                if (event.getThrowableProxy() != null) {
                    line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                }
                if (!event.getMDCPropertyMap().isEmpty()) {
                    line.append(' ').append(event.getMDCPropertyMap());
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }

    /** The keys, the admin key, every token made and each token's signature in the three spellings it travels in. */
    private Set<String> secrets() {
        Set<String> secrets = new LinkedHashSet<>(List.of(rootKey, rootSecondaryKey, listenKey, sendKey, entityKey,
                entitySecondaryKey, ADMIN_KEY));
        for (String token : tokens) {
            secrets.add(token);
            secrets.add(PercentCodec.encode(token));
            String signature = signature(token);
            secrets.add(signature);
            secrets.add(PercentCodec.encode(signature));
            secrets.add(PercentCodec.encode(PercentCodec.encode(signature)));
        }
        return secrets;
    }

    private String token(String entity, String keyName, String key, Instant expiresAt) {
        String token = SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(TestGateway.HOST, entity),
                keyName, key, expiresAt);
        tokens.add(token);
        return token;
    }

    /** The token with its signature tampered (also recorded as a secret). */
    private String tamper(String token) {
        String tampered = TestGateway.withSignatureTampered(token);
        tokens.add(tampered);
        return tampered;
    }

    private static String signature(String token) {
        return parse(token).signature();
    }

    private static SasToken parse(String token) {
        try {
            return SasToken.parse(token);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a token", e);
        }
    }

    /** The token with its fields reordered so that {@code sig} comes first (the order is free). */
    private String sigFirst(String token) {
        SasToken parsed = parse(token);
        String reordered = SasToken.SCHEME + " sig=" + PercentCodec.encode(parsed.signature()) + "&se="
                + parsed.expiry() + "&skn=" + parsed.keyName() + "&sr=" + parsed.resource();
        tokens.add(reordered);
        return reordered;
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
