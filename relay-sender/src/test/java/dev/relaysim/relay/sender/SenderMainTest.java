package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.ListenerConnectionHandler;
import dev.relaysim.relay.listener.ListenerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code send} command, run in-process with captured output, against the {@code listen} command or the listener
 * library.
 */
@Timeout(60)
class SenderMainTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @TempDir
    Path home;

    @Test
    void sendsHelloToTheListenCommandAndChecksTheEcho() throws Exception {
        Run listen = run(new ListenerMain(environment()), "--echo", "--count", "1");
        await().atMost(Duration.ofSeconds(20)).until(() -> listen.out().contains("listening on"));

        Run send = run(new SenderMain(environment()));
        assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).as(send.err()).isZero();
        assertThat(send.out()).matches("message 1: 5 bytes text, echo matched in \\d+\\.\\d\\d ms\\R");
        assertThat(send.err()).isEmpty();

        assertThat(listen.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(listen.out())
                .containsPattern("echoed 1 message \\(5 bytes\\) on connection \\S+; closed with 1000 done");
    }

    @Test
    void summarisesManyBinaryMessages() throws Exception {
        try (HybridConnectionListener listener =
                listener((accept, connection) -> connection.setHandler(connection::send))) {
            listener.open().get(20, TimeUnit.SECONDS);
            Run send = run(new SenderMain(Map.of("HOME", home.toString())), "--connection-string", connectionString(),
                    "--ca", caCertificate().toString(), "--count", "20", "--size", "1000", "--binary");
            assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).as(send.err()).isZero();
            assertThat(send.out())
                    .matches("sent 20 binary messages of 1000 bytes \\(20000 bytes\\), every echo matched; "
                    + "round trip p50 \\d+\\.\\d\\d ms, max \\d+\\.\\d\\d ms\\R");
        }
    }

    @Test
    void withoutAListenerItSaysHowToStartOne() throws Exception {
        Run send = run(new SenderMain(environment()));
        assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(send.err().strip())
                .isEqualTo("no listener is connected to sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/echo — start one with ./relaysim listen --echo");
    }

    @Test
    void aWrongEchoFails() throws Exception {
        try (HybridConnectionListener listener = listener((accept, connection) ->
                connection.setHandler(message -> connection.send(RelayMessage.binary(message.data()))))) {
            listener.open().get(20, TimeUnit.SECONDS);
            Run send = run(new SenderMain(environment()), "--message", "typed");
            assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(send.err().strip())
                    .isEqualTo("the echo of message 1 differs: sent 5 bytes (text), received 5 bytes (binary)");
        }
    }

    @Test
    void httpRequestsToTheListenCommandPrintLikeCurl() throws Exception {
        Run listen = run(new ListenerMain(environment()), "--http-echo", "--count", "3");
        await().atMost(Duration.ofSeconds(20)).until(() -> listen.out().contains("listening on"));

        ByteArrayOutputStream postBody = new ByteArrayOutputStream();
        Run post = run(new SenderMain(environment(), postBody), "--http", "-i", "--data", "hello", "--header", "X-A: 1",
                "-H", "X-A:2", "--path", "orders/7", "--query", "id=3&sb-hc-id=x");
        assertThat(post.exitCode().get(30, TimeUnit.SECONDS)).as(post.err()).isZero();
        assertThat(post.out()).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("X-Echo-Method: POST\r\n", "X-Echo-Target: /echo/orders/7?id=3\r\n",
                        "X-Echo-Header-X-A: 1, 2\r\n")
                .endsWith("\r\n\r\n");
        assertThat(postBody.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(post.err()).isEmpty();

        ByteArrayOutputStream getBody = new ByteArrayOutputStream();
        Run get = run(new SenderMain(environment(), getBody), "--http");
        assertThat(get.exitCode().get(30, TimeUnit.SECONDS)).as(get.err()).isZero();
        assertThat(get.out()).isEmpty();
        assertThat(getBody.toString(StandardCharsets.UTF_8)).startsWith("GET /echo\n");

        byte[] data = new byte[70 * 1024];
        new Random(70).nextBytes(data);
        Path file = home.resolve("body.bin");
        Files.write(file, data);
        ByteArrayOutputStream putBody = new ByteArrayOutputStream();
        Run put = run(new SenderMain(environment(), putBody), "--http", "--method", "put", "--data-file",
                file.toString());
        assertThat(put.exitCode().get(30, TimeUnit.SECONDS)).as(put.err()).isZero();
        assertThat(putBody.toByteArray()).isEqualTo(data);

        assertThat(listen.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(listen.out()).containsPattern("request \\S+: PUT /echo from \\S+ -> 200, echoed 71680 bytes");
    }

    @Test
    void httpWithoutAListenerSaysHowToStartOne() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Run send = run(new SenderMain(environment(), body), "--http");
        assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(send.err().strip())
                .isEqualTo("no listener is connected to sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/echo — start one with ./relaysim listen --http-echo");
        assertThat(body.toString(StandardCharsets.UTF_8)).contains("\"code\":\"BadGateway\"");
    }

    @Test
    void httpErrorsOfTheListenerExitWith1() throws Exception {
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse(connectionString()))
                .sslContext(SslContexts.forClient(caCertificate()))
                .requestHandler((request, response) -> {
                    throw new IllegalStateException("boom");
                })
                .build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            Run send = run(new SenderMain(environment(), new ByteArrayOutputStream()), "--http", "-i");
            assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(send.out()).startsWith("HTTP/1.1 500 Internal Server Error\r\n");
            assertThat(send.err().strip()).isEqualTo("the listener answered 500 Internal Server Error");
        }
    }

    @Test
    void badHttpArgumentsExitWith2() throws Exception {
        Map<String[], String> cases = Map.of(
                new String[] {"--http", "--count", "2"},
                        "--count: not with --http (expected: --data or --data-file for a body)",
                new String[] {"--data", "x"}, "--data: only with --http",
                new String[] {"--http", "--header", "novalue"}, "--header: 'novalue' (expected: NAME:VALUE)",
                new String[] {"--http", "--method", "CONNECT"}, "method: CONNECT (expected: any method but CONNECT)",
                new String[] {"--http", "--data", "a", "--data-file", "f"},
                        "--data and --data-file: both given (expected: at most one body)",
                new String[] {"--http", "--path", "a b"},
                        "request target: '/echo/a b' (expected: a valid path and query; "
                        + "percent-encode spaces and other special characters)");
        for (Map.Entry<String[], String> bad : cases.entrySet()) {
            Run run = run(new SenderMain(environment(), new ByteArrayOutputStream()), bad.getKey());
            assertThat(run.exitCode().get(30, TimeUnit.SECONDS)).as(String.join(" ", bad.getKey())).isEqualTo(2);
            assertThat(run.err().strip()).isEqualTo(bad.getValue());
        }
    }

    @Test
    void badArgumentsExitWith2() throws Exception {
        Run count = run(new SenderMain(environment()), "--count", "0");
        assertThat(count.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(count.err()).startsWith("--count: 0 (expected: >= 1)");
        Run noEntity = run(new SenderMain(environment()), "--connection-string",
                "Endpoint=sb://localhost:1/;SharedAccessKeyName=k;SharedAccessKey=v");
        assertThat(noEntity.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(noEntity.err()).startsWith("invalid connection string: ");
    }

    private Map<String, String> environment() {
        return Map.of("RELAYSIM_CONNECTION_STRING", connectionString(), "RELAYSIM_CA", caCertificate().toString(),
                "HOME", home.toString());
    }

    private static HybridConnectionListener listener(ListenerConnectionHandler handler) {
        return HybridConnectionListener.builder()
                .connectionString(ConnectionString.parse(connectionString()))
                .sslContext(SslContexts.forClient(caCertificate()))
                .connectionHandler(handler)
                .build();
    }

    private static String connectionString() {
        return "Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort() + "/;SharedAccessKeyName="
                + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY + ";EntityPath=" + ENTITY;
    }

    private static Path caCertificate() {
        return gateway.get().server().certificateAuthority().caCertificatePem();
    }

    private static Run run(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        return new Run(out, err, CompletableFuture.supplyAsync(() -> commandLine.execute(args)));
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
