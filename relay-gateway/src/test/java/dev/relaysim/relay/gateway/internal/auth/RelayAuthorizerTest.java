package dev.relaysim.relay.gateway.internal.auth;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.relaysim.relay.gateway.testing.TestGateway.HOST;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;

class RelayAuthorizerTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofHours(1));

    private final NamespaceRegistry registry = new NamespaceRegistry(TestGateway.builder()
            .config(Path.of("unused"), new PortRange(9400, 9409)));
    private final Namespace sandbox = registry.defaultNamespace();
    private final RelayAuthorizer authorizer = new RelayAuthorizer(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void grantsAValidTokenAndResolvesTheEntity() {
        Granted granted = (Granted) authorize("echo/sfx/x", token("http://" + HOST + "/echo/"), AccessRight.SEND);

        assertThat(granted.match().entity().name()).isEqualTo("echo");
        assertThat(granted.match().suffix()).isEqualTo("sfx/x");
        assertThat(granted.keyName()).isEqualTo(KEY_NAME);
        assertThat(granted.expiresAt()).isEqualTo(LATER.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void missingTokenIs401() {
        Refused refused = refused(authorize("echo", null, AccessRight.LISTEN));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.message()).startsWith("MissingToken:");
    }

    @Test
    void malformedTokenIs401() {
        Refused refused = refused(authorize("echo", "SharedAccessSignature sr=x&se=1", AccessRight.LISTEN));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.message()).startsWith("MalformedToken: ").contains("sig");
    }

    @Test
    void wrongKeyIs401() {
        String token = SharedAccessSignature.createToken("http://" + HOST + "/echo/", KEY_NAME, "wrong", LATER);

        Refused refused = refused(authorize("echo", token, AccessRight.LISTEN));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.message()).isEqualTo("The token has an invalid signature.");
        assertThat(refused.reason()).doesNotContain(KEY).contains("signature");
    }

    @Test
    void unknownKeyNameIs401() {
        String token = SharedAccessSignature.createToken("http://" + HOST + "/echo/", "nobody", KEY, LATER);

        Refused refused = refused(authorize("echo", token, AccessRight.LISTEN));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.message()).isEqualTo("The token has an invalid signature.");
        assertThat(refused.reason()).contains("unknown key name 'nobody'");
    }

    @Test
    void expiredTokenIs401() {
        String token = SharedAccessSignature.createToken("http://" + HOST + "/echo/", KEY_NAME, KEY,
                NOW.minusSeconds(1));

        Refused refused = refused(authorize("echo", token, AccessRight.SEND));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.message()).startsWith("ExpiredToken: The token is expired. Expiration time: '2026-06-01 "
                + "11:59:59Z'");
    }

    @Test
    void secondaryKeyIsAccepted() {
        String token = SharedAccessSignature.createToken("http://" + HOST + "/echo/", KEY_NAME,
                TestGateway.SECONDARY_KEY, LATER);

        assertThat(authorize("echo", token, AccessRight.LISTEN)).isInstanceOf(Granted.class);
    }

    @Test
    void missingRightIs403() {
        String listenOnly = SharedAccessSignature.createToken("http://" + HOST + "/echo/", TestGateway.LISTEN_KEY_NAME,
                TestGateway.LISTEN_KEY, LATER);
        String sendOnly = SharedAccessSignature.createToken("http://" + HOST + "/echo/", TestGateway.SEND_KEY_NAME,
                TestGateway.SEND_KEY, LATER);

        assertThat(authorize("echo", listenOnly, AccessRight.LISTEN)).isInstanceOf(Granted.class);
        assertThat(authorize("echo", sendOnly, AccessRight.SEND)).isInstanceOf(Granted.class);
        Refused refused = refused(authorize("echo", listenOnly, AccessRight.SEND));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.message()).isEqualTo("Unauthorized access. 'Send' claim(s) are required to perform this "
                + "operation. Resource: 'sb://sandbox.servicebus.windows.net/echo'.");
        assertThat(refused(authorize("echo", sendOnly, AccessRight.LISTEN)).message())
                .startsWith("Unauthorized access. 'Listen' claim(s) are required");
    }

    @Test
    void audienceOfAnotherEntityOrHostIs403() {
        assertThat(refused(authorize("echo", token("http://" + HOST + "/open/"), AccessRight.SEND)).statusCode())
                .isEqualTo(403);
        assertThat(refused(authorize("echo", token("http://elsewhere.example.com/echo/"), AccessRight.SEND))
                .statusCode()).isEqualTo(403);
        assertThat(refused(authorize("echo2", token("http://" + HOST + "/echo/"), AccessRight.SEND)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void unknownEntityIs404() {
        Refused refused = refused(authorize("missing/path", token("http://" + HOST + "/missing/path/"),
                AccessRight.LISTEN));

        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.message()).isEqualTo("Endpoint does not exist.");
        assertThat(refused.systemTracker()).isEqualTo(HOST + ":missing/path");
    }

    @Test
    void anonymousSendersOnlyWhereClientAuthorizationIsNotRequired() {
        Granted granted = (Granted) authorize("open", null, AccessRight.SEND);
        assertThat(granted.keyName()).isNull();
        assertThat(granted.expiry()).isEmpty();

        assertThat(refused(authorize("open", null, AccessRight.LISTEN)).statusCode()).isEqualTo(401);
        assertThat(refused(authorize("echo", null, AccessRight.SEND)).statusCode()).isEqualTo(401);
    }

    /** Every SDK's audience form (hc-protocol.md section 5 and real-clients.md). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // .NET: http, no port, trailing slash
            "http://sandbox.servicebus.windows.net/echo/ | echo | ''",
            // Java listener: sb:// with the port, no slash
            "sb://sandbox.servicebus.windows.net:9443/echo | echo | ''",
            // Java, doubled trailing slash (SDK bug)
            "sb://sandbox.servicebus.windows.net/echo// | echo | ''",
            // Java sender: namespace scope
            "sb://sandbox.servicebus.windows.net:9443 | echo | ''",
            // Node helpers: http with :443, no slash
            "http://sandbox.servicebus.windows.net:443/echo | echo | ''",
            // Node with a hand-built localhost URL: the request's own host and port
            "http://localhost:9443/echo | echo | localhost",
            // Node sender with a path suffix
            "http://127.0.0.1:9080/echo/suffix/x | echo/suffix/x | 127.0.0.1",
            // Python and the protocol doc: http://NS/P
            "http://sandbox.servicebus.windows.net/echo | echo | ''",
            // a $hc segment left in
            "https://sandbox.servicebus.windows.net/$hc/echo | echo | ''",
            // upper-case host
            "http://SANDBOX.servicebus.windows.net/echo/ | echo | ''",
            // the Private Link host name
            "http://sandbox.privatelink.servicebus.windows.net/echo/ | echo | ''",
            // nested entity
            "http://sandbox.servicebus.windows.net/orders/eu/ | orders/eu/x | ''",
    })
    void acceptsEverySdksAudienceForm(String audience, String path, String requestHost) {
        String token = SharedAccessSignature.createToken(audience, KEY_NAME, KEY, LATER);

        AuthorizationDecision decision = authorizer.authorize(new AuthorizationRequest(sandbox, path, requestHost,
                token, AccessRight.LISTEN));

        assertThat(decision).as(audience).isInstanceOf(Granted.class);
    }

    @Test
    void acceptsLowerCaseHexAudiencesAndFieldsInAnyOrder() {
        String rawAudience = "http%3a%2f%2fsandbox.servicebus.windows.net%2fecho";
        String se = Long.toString(LATER.getEpochSecond());
        String signature = SharedAccessSignature.sign(KEY, rawAudience + "\n" + se);
        String token = "sharedaccesssignature skn=" + KEY_NAME + "&se=" + se + "&sig="
                + URLEncoder.encode(signature, StandardCharsets.UTF_8) + "&sr=" + rawAudience;

        assertThat(authorize("echo", token, AccessRight.LISTEN)).isInstanceOf(Granted.class);
    }

    private AuthorizationDecision authorize(String path, String token, AccessRight right) {
        return authorizer.authorize(new AuthorizationRequest(sandbox, path, "", token, right));
    }

    private static String token(String audience) {
        return SharedAccessSignature.createToken(audience, KEY_NAME, KEY, LATER);
    }

    private static Refused refused(AuthorizationDecision decision) {
        assertThat(decision).isInstanceOf(Refused.class);
        return (Refused) decision;
    }
}
