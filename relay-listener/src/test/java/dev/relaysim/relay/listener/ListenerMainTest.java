package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code listen} command, run in-process with captured output. */
@Timeout(60)
class ListenerMainTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @TempDir
    Path home;

    private static RelayWebSocketClient sender;

    @BeforeAll
    static void startSender() {
        sender = new RelayWebSocketClient(SslContexts.forClient(caCertificate()), RelayClientConfig.defaults());
    }

    @AfterAll
    static void stopSender() {
        sender.close();
    }

    @Test
    void echoesOneConnectionWithSettingsFromTheEnvironment() throws Exception {
        Run run = start(Map.of("RELAYSIM_CONNECTION_STRING", connectionString(TestGateway.KEY),
                "RELAYSIM_CA", caCertificate().toString(), "HOME", home.toString()),
                "--echo", "--count", "1", "--id", "cli-listener");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().contains("listening on"));
        assertThat(run.out()).contains(
                "listening on sb://localhost:" + gateway.get().addresses().tlsPort() + "/echo as cli-listener");

        RelayConnection connection = connectSender();
        connection.sendText("hello");
        assertThat(connection.receive(Duration.ofSeconds(20)).asText()).isEqualTo("hello");
        connection.send(new byte[] {0, 1, 2});
        assertThat(connection.receive(Duration.ofSeconds(20)).contentEquals(new byte[] {0, 1, 2})).isTrue();
        connection.close(1000, "done").get(10, TimeUnit.SECONDS);

        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isZero();
        assertThat(run.out())
                .containsPattern("accepted connection [0-9a-f-]{36}_G\\d+ from 127\\.0\\.0\\.1:\\d+")
                .containsPattern("echoed 2 messages \\(8 bytes\\) on connection [0-9a-f-]{36}_G\\d+; closed with "
                        + "1000 done")
                .contains("handled 1 connection; exiting");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void httpEchoEchoesBodiesAndSummarisesRequestsWithout() throws Exception {
        Run run = start(Map.of("HOME", home.toString()), "--connection-string", connectionString(TestGateway.KEY),
                "--ca", caCertificate().toString(), "--http-echo", "--count", "3");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().contains("listening on"));
        String base = "https://localhost:" + gateway.get().addresses().tlsPort() + "/" + ENTITY;

        HttpResponse<String> post = gateway.get().httpClient()
                .send(HttpRequest.newBuilder(URI.create(base + "/orders?id=7"))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                .header("Content-Type", "application/json")
                .header("X-Trace", "abc")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("{\"n\":1}");
        assertThat(post.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(post.headers().firstValue("X-Echo-Method")).contains("POST");
        assertThat(post.headers().firstValue("X-Echo-Target")).contains("/echo/orders?id=7");
        assertThat(post.headers().firstValue("X-Echo-Header-X-Trace")).contains("abc");

        // The relay sends the path decoded: the summary and the log show it so, the header encodes it again.
        HttpResponse<String> get = gateway.get().httpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/%C3%A4%20x?q=1"))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                .header("X-Trace", "def")
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(get.body()).startsWith("GET /echo/ä x?q=1\n").contains("\nX-Trace: def\n");
        assertThat(get.headers().firstValue("X-Echo-Target")).contains("/echo/%C3%A4%20x?q=1");

        HttpResponse<Void> head = gateway.get().httpClient().send(HttpRequest.newBuilder(URI.create(base))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("X-Echo-Method")).contains("HEAD");

        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isZero();
        assertThat(run.out())
                .containsPattern("request \\S+: POST /echo/orders\\?id=7 from 127\\.0\\.0\\.1:\\d+ -> 200, echoed 7 "
                        + "bytes")
                .containsPattern("request \\S+: GET /echo/ä x\\?q=1 from 127\\.0\\.0\\.1:\\d+ -> 200, no body; sent "
                        + "a \\d+-byte summary")
                .containsPattern("request \\S+: HEAD /echo from \\S+ -> 200, headers only")
                .contains("handled 3 connections and requests; exiting");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void oneListenerEchoesWebSocketMessagesAndHttpRequestsTrustingTheCaOfItsDataDir() throws Exception {
        Run run = start(Map.of("HOME", home.toString()), "--connection-string", connectionString(TestGateway.KEY),
                "--data-dir", gateway.get().dataDirectory().toString(), "--echo", "--http-echo", "--count", "2");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().contains("listening on"));

        RelayConnection connection = connectSender();
        connection.sendText("hello");
        assertThat(connection.receive(Duration.ofSeconds(20)).asText()).isEqualTo("hello");
        connection.close(1000, "done").get(10, TimeUnit.SECONDS);
        HttpResponse<String> post = gateway.get().httpClient().send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + gateway.get().addresses().tlsPort() + "/" + ENTITY))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                .POST(HttpRequest.BodyPublishers.ofString("ping"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("ping");

        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isZero();
        assertThat(run.out()).contains("handled 2 connections and requests; exiting");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void printsTextMessagesWithoutEcho() throws Exception {
        Run run = start(Map.of("HOME", home.toString()), "--connection-string", connectionString(TestGateway.KEY),
                "--ca", caCertificate().toString(), "--count", "1");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().contains("listening on"));
        RelayConnection connection = connectSender();
        connection.sendText("hi there").get(10, TimeUnit.SECONDS);
        connection.send(new byte[5]).get(10, TimeUnit.SECONDS);
        connection.close(1000, "bye").get(10, TimeUnit.SECONDS);
        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isZero();
        assertThat(run.out())
                .containsPattern("connection \\S+: hi there")
                .containsPattern("connection \\S+: binary message, 5 bytes")
                .containsPattern("connection \\S+ closed with 1000 bye after 2 messages \\(13 bytes\\)");
    }

    @Test
    void aWrongKeyExitsWithTheGatewaysReason() throws Exception {
        Run run = start(Map.of("HOME", home.toString()), "--connection-string",
                connectionString("d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk="), "--ca", caCertificate().toString());
        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(run.err()).startsWith("the gateway refused the listener: 401 The token has an invalid signature.");
        assertThat(run.out()).doesNotContain("listening on");
    }

    @Test
    void anUnreachableGatewayIsExplained() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = start(Map.of("HOME", home.toString()), "--connection-string",
                "Endpoint=sb://localhost:" + port + "/;SharedAccessKeyName=k;SharedAccessKey=v;EntityPath=echo");
        assertThat(run.exitCode().get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("cannot reach localhost:" + port + ": connection refused — is ./relaysim gateway running?");
    }

    @Test
    void badArgumentsExitWith2() throws Exception {
        Run badString =
                start(Map.of("HOME", home.toString()), "--connection-string", "Endpoint=http://x/;EntityPath=echo");
        assertThat(badString.exitCode().get(20, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(badString.err()).startsWith("invalid connection string: ");

        Run missingCa = start(Map.of("HOME", home.toString(), "RELAYSIM_CA", home.resolve("nope.pem").toString()));
        assertThat(missingCa.exitCode().get(20, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(missingCa.err()).startsWith("RELAYSIM_CA: " + home.resolve("nope.pem") + " does not exist");

        Run badCount = start(Map.of("HOME", home.toString()), "--count", "0");
        assertThat(badCount.exitCode().get(20, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(badCount.err()).startsWith("--count: 0 (expected: >= 1)");
    }

    @Test
    void devDefaultsMatchTheGatewaysEmbeddedConfiguration() throws Exception {
        AuthorizationRuleConfig embeddedRule = ConfigLoader.defaults().namespace("sandbox").orElseThrow()
                .authorizationRules().get(0);
        assertThat(embeddedRule.name()).isEqualTo(DevDefaults.KEY_NAME);
        assertThat(embeddedRule.primaryKey()).isEqualTo(DevDefaults.KEY);
        ConnectionString parsed = ConnectionString.parse(DevDefaults.connectionString(Map.of()));
        assertThat(parsed.host()).isEqualTo("localhost");
        assertThat(parsed.port()).isEqualTo(9443);
        assertThat(parsed.entityPath()).isEqualTo("echo");
        assertThat(parsed.sharedAccessKey()).isEqualTo(DevDefaults.KEY);
        assertThat(DevDefaults.caCertificatePem(DevDefaults.dataDirectory(Map.of("HOME", home.toString()))))
                .isEqualTo(home.resolve(".relaysim/tls/ca.pem"));
        assertThat(gateway.get().server().certificateAuthority().caCertificatePem())
                .isEqualTo(DevDefaults.caCertificatePem(gateway.get().dataDirectory()));
    }

    private static RelayConnection connectSender() throws Exception {
        return sender.connect(gateway.get().connectUri(true, ENTITY),
                new DefaultHttpHeaders().add("ServiceBusAuthorization", TestGateway.token(ENTITY)), null,
                Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
    }

    private static String connectionString(String key) {
        return "Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort() + "/;SharedAccessKeyName="
                + TestGateway.KEY_NAME + ";SharedAccessKey=" + key + ";EntityPath=" + ENTITY;
    }

    private static Path caCertificate() {
        return gateway.get().server().certificateAuthority().caCertificatePem();
    }

    private static Run start(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ListenerMain(environment))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        return new Run(out, err, CompletableFuture.supplyAsync(() -> command.execute(args)));
    }

    private record Run(StringWriter outWriter, StringWriter errWriter, CompletableFuture<Integer> exitCode) {

        String out() {
            return outWriter.toString();
        }

        String err() {
            return errWriter.toString();
        }
    }
}
