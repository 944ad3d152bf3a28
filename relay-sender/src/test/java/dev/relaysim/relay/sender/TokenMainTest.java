package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./relaysim token}: tokens the gateway accepts, for curl. */
@Timeout(60)
class TokenMainTest {

    /**
     * A gateway on TestGateway's own rendezvous ports (a random block off the daemon's and the ephemeral range, tried
     * again where taken): a port probed free and bound later could be taken meanwhile, as it was once in CI.
     */
    private static TestGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.builder().start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void byDefaultItSignsForTheDevelopmentConnectionString() throws Exception {
        assertThat(run(Map.of())).isZero();

        SasToken token = SasToken.parse(out.toString().strip());
        assertThat(token.resource()).isEqualTo("http%3A%2F%2Flocalhost%2Fecho%2F");
        assertThat(token.keyName()).isEqualTo(DevDefaults.KEY_NAME);
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(SharedAccessSignature.verify(token, DevDefaults.KEY)).isTrue();
    }

    @Test
    void theHeaderLineIsAcceptedByTheGatewaysHttpFrontEnd() throws Exception {
        String connectionString = "Endpoint=sb://localhost:" + gateway.addresses().tlsPort() + "/;SharedAccessKeyName="
                + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY + ";EntityPath=" + TestGateway.ENTITY;
        TokenMain now = new TokenMain(Map.of(), Clock.systemUTC());
        assertThat(run(now, "--connection-string", connectionString, "--header", "--lifetime", "5m")).isZero();
        String[] line = out.toString().strip().split(": ", 2);
        assertThat(line[0]).isEqualTo("ServiceBusAuthorization");

        HttpResponse<String> accepted = get(line[0], line[1]);
        HttpResponse<String> forged = get(line[0], line[1].replaceFirst("sig=[^&]+", "sig=AAAA"));

        assertThat(accepted.statusCode()).as("authorized; no listener is connected").isEqualTo(502);
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void namespaceEntityRuleAndKeyCanEachBeGiven() throws Exception {
        assertThat(run(Map.of(), "--namespace", "contoso", "--entity", "orders", "--rule", "SendOnly", "--key", "a2V5",
                "--lifetime", "PT30S")).isZero();

        SasToken token = SasToken.parse(out.toString().strip());
        assertThat(token.resource()).isEqualTo("http%3A%2F%2Fcontoso.servicebus.windows.net%2Forders%2F");
        assertThat(token.keyName()).isEqualTo("SendOnly");
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(SharedAccessSignature.verify(token, "a2V5")).isTrue();
    }

    @Test
    void badArgumentsNameTheOptionOrVariable() {
        assertThat(run(Map.of(), "--lifetime", "forever")).isEqualTo(2);
        assertThat(run(Map.of("RELAYSIM_CONNECTION_STRING", "nonsense"))).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "--lifetime: \"forever\" (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S, above zero)",
                "RELAYSIM_CONNECTION_STRING: invalid connection string: connection string: 'nonsense' has no '=' "
                        + "(expected: <key>=<value>)");
    }

    private int run(Map<String, String> environment, String... args) {
        return run(new TokenMain(environment, Clock.fixed(NOW, ZoneOffset.UTC)), args);
    }

    private int run(TokenMain command, String... args) {
        CommandLine commandLine = Cli.commandLine(command, Map.of());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static HttpResponse<String> get(String header, String token) throws Exception {
        return gateway.httpClient().send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + gateway.addresses().tlsPort() + "/" + TestGateway.ENTITY)).header(header, token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
