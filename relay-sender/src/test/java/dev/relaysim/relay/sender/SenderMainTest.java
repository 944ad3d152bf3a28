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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code send} command, run in-process with captured output, against the {@code listen} command or the listener library. */
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
        assertThat(listen.out()).containsPattern("echoed 1 message \\(5 bytes\\) on connection \\S+; closed with 1000 done");
    }

    @Test
    void summarisesManyBinaryMessages() throws Exception {
        try (HybridConnectionListener listener = listener((accept, connection) -> connection.setHandler(connection::send))) {
            listener.open().get(20, TimeUnit.SECONDS);
            Run send = run(new SenderMain(Map.of("HOME", home.toString())), "--connection-string", connectionString(),
                    "--ca", caCertificate().toString(), "--count", "20", "--size", "1000", "--binary");
            assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).as(send.err()).isZero();
            assertThat(send.out()).matches("sent 20 binary messages of 1000 bytes \\(20000 bytes\\), every echo matched; "
                    + "round trip p50 \\d+\\.\\d\\d ms, max \\d+\\.\\d\\d ms\\R");
        }
    }

    @Test
    void withoutAListenerItSaysHowToStartOne() throws Exception {
        Run send = run(new SenderMain(environment()));
        assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(send.err().strip()).isEqualTo("no listener is connected to sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/echo — start one with ./relaysim listen --echo");
    }

    @Test
    void aWrongEchoFails() throws Exception {
        try (HybridConnectionListener listener = listener((accept, connection) ->
                connection.setHandler(message -> connection.send(RelayMessage.binary(message.data()))))) {
            listener.open().get(20, TimeUnit.SECONDS);
            Run send = run(new SenderMain(environment()), "--message", "typed");
            assertThat(send.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(send.err().strip()).isEqualTo("the echo of message 1 differs: sent 5 bytes (text), received 5 bytes (binary)");
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
