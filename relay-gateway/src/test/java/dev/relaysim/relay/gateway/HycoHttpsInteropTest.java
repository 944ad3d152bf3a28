package dev.relaysim.relay.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.NodeClients;
import dev.relaysim.relay.gateway.testing.NodeClients.NodeProcess;
import dev.relaysim.relay.gateway.testing.RawHttp;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Microsoft's {@code hyco-https} 1.4.5 (npm) listener ({@code src/test/resources/node/hyco-https-listener.js}) behind
 * the gateway, answering HTTP-mode requests from the JDK HTTP client over {@code https} and {@code http}: bodies of
 * 0 B, 1 KB, 70 KB and 8 MiB both ways (bodies over 64 KiB take the request rendezvous, responses over 64 KiB come
 * back on a rendezvous the listener opens by itself), HEAD, query strings and repeated headers, keep-alive, the
 * listener's status passed through, and the gateway's own 401, 405, 502 and 504.
 */
@Timeout(180)
class HycoHttpsInteropTest {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(3);
    private static final String VIA = "1.1 " + TestGateway.HOST;

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension(builder -> builder.protocol(
            TestGateway.defaultProtocol(RESPONSE_TIMEOUT, ProtocolSettings.DEFAULT_TOKEN_EXPIRY_GRACE)));

    private static NodeClients node;
    private static NodeProcess listener;
    private static HttpClient client;

    @BeforeAll
    static void startListener() {
        node = NodeClients.install();
        TestGateway gw = gateway.get();
        listener = node.start("hyco-https-listener.js", environment(gw), gw.listenUri(true, ENTITY).toString(),
                TestGateway.KEY_NAME, TestGateway.KEY, "echo", "20");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.lines()).contains("listening"));
        client = HttpClient.newBuilder().sslContext(gw.sslContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopListener() throws Exception {
        if (listener != null) {
            listener.close();
        }
    }

    @ParameterizedTest(name = "{0} bytes, tls={1}")
    @CsvSource({"0, true", "1024, false", "70000, true", "8388608, false"})
    void getReturnsBodiesOfEverySize(int size, boolean tls) throws Exception {
        HttpResponse<byte[]> response = client.send(request(tls, ENTITY, "?size=" + size).GET().build(),
                BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).as("%s", listener).isEqualTo(200);
        assertThat(response.body()).isEqualTo(pattern(size));
        assertThat(response.headers().firstValue("via")).hasValue(VIA);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/octet-stream");
    }

    @ParameterizedTest(name = "{0} bytes, tls={1}")
    @CsvSource({"0, false", "1024, true", "70000, false", "8388608, true"})
    void postEchoesBodiesOfEverySize(int size, boolean tls) throws Exception {
        byte[] body = new byte[size];
        ThreadLocalRandom.current().nextBytes(body);

        HttpResponse<byte[]> response = client.send(request(tls, ENTITY, "").POST(BodyPublishers.ofByteArray(body))
                .build(),
                BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).as("%s", listener).isEqualTo(200);
        assertThat(response.headers().firstValue("x-received-length")).hasValue(String.valueOf(size));
        assertThat(response.body()).isEqualTo(body);
    }

    /** curl sends {@code Expect: 100-continue} with large bodies; the gateway answers it at once. */
    @Test
    void curlPostWithExpectContinueIsEchoed(@TempDir Path directory) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        byte[] body = new byte[2 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(body);
        Path in = Files.write(directory.resolve("in.bin"), body);
        Path out = directory.resolve("out.bin");
        TestGateway gw = gateway.get();

        Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--cacert",
                gw.server().certificateAuthority().caCertificatePem().toString(),
                "-H", "ServiceBusAuthorization: " + TestGateway.token(ENTITY), "-H", "Expect: 100-continue",
                "--expect100-timeout", "30", "--data-binary", "@" + in, "-o", out.toString(), "-w", "%{http_code}",
                base(true) + "/" + ENTITY).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEqualTo("200");
        assertThat(Files.readAllBytes(out)).isEqualTo(body);
    }

    @Test
    void chunkedPostOfUnknownLengthGoesThroughTheRendezvous() throws Exception {
        byte[] body = new byte[70_000];
        ThreadLocalRandom.current().nextBytes(body);

        HttpRequest request = request(false, ENTITY, "")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<byte[]> response = client.send(request, BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
    }

    /** hyco-https drops every {@code Content-Length} its handler sets (its {@code setHeader} ignores it). */
    @Test
    void headGetsTheListenersHeadersAndNoBody() throws Exception {
        HttpResponse<byte[]> response = client.send(request(true, ENTITY, "?size=70000")
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(response.headers().firstValue("via")).hasValue(VIA);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void listenerSeesPathQueryAndHeadersWithoutRelayParametersOrTokens() throws Exception {
        String token = URLEncoder.encode(TestGateway.token(ENTITY), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(true) + "/" + ENTITY
                        + "/sub/path?a=1&sb-hc-token=" + token + "&b=two&&c&sb-hc-id=x"))
                .header("X-Multi", "one")
                .header("X-Multi", "two")
                .header("Authorization", "Bearer app-token")
                .header("Via", "1.1 upstream")
                .GET().build();

        HttpResponse<String> response = client.send(request, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"method\":\"GET\"")
                .contains("\"url\":\"/" + ENTITY + "/sub/path?a=1&b=two&&c\"")
                .contains("\"x-multi\":\"one, two\"")
                .contains("\"authorization\":\"Bearer app-token\"")
                .contains("\"via\":\"1.1 upstream\"")
                .doesNotContain("sb-hc-", "SharedAccessSignature", "servicebusauthorization", "connection");
    }

    /** hyco-https hands {@code requestTarget} to the app as {@code req.url}: the path decoded, the query as sent. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/a%20b                     | /a b",
            "/a%2Fb                     | /a/b",
            "/a+b                       | /a+b",
            "/%C3%A4%E2%82%AC/x         | /ä€/x",
            "/100%25/what%3F?q=%3F      | /100%25/what%3F?q=%3F",
            "/a%20b?q=a%20b+c&x=%2F&sb-hc-id=1 | /a b?q=a%20b+c&x=%2F",
    })
    void listenerSeesTheDecodedPathAndTheQueryAsSent(String sent, String expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(true) + "/" + ENTITY + sent))
                .header("ServiceBusAuthorization", TestGateway.token(ENTITY))
                .GET().build();

        HttpResponse<String> response = client.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).path("url").asText())
                .isEqualTo("/" + ENTITY + expected);
    }

    @Test
    void authorizationHeaderCarriesTheTokenWhenNoOtherDoesAndIsThenNotForwarded() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(false) + "/" + ENTITY))
                .header("Authorization", TestGateway.token(ENTITY)).GET().build();

        HttpResponse<String> response = client.send(request, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("authorization", "SharedAccessSignature");
    }

    @Test
    void listenerStatusAndReasonPassThroughEvenForGatewayCodes() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.get().addresses().plainPort())) {
            RawHttp.Response response = RawHttp.exchange(socket, "GET /" + ENTITY
                    + "?status=504&reason=Listener%20timed%20out HTTP/1.1\r\nHost: "
                            + "localhost\r\nServiceBusAuthorization: "
                    + TestGateway.token(ENTITY) + "\r\nConnection: close\r\n\r\n");

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.reason()).isEqualTo("Listener timed out");
            assertThat(response.headers()).containsEntry("via", VIA).containsEntry("x-listener", "hyco-https");
        }
    }

    @Test
    void keepAliveConnectionCarriesSequentialRequests() throws Exception {
        String head = "GET /" + ENTITY + "?size=SIZE HTTP/1.1\r\nHost: localhost\r\nServiceBusAuthorization: "
                + TestGateway.token(ENTITY) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", gateway.get().addresses().plainPort())) {
            socket.setSoTimeout(30_000);
            for (int size : new int[] {10, 70_000, 0, 3}) {
                socket.getOutputStream().write(head.replace("SIZE", String.valueOf(size))
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(readBody(socket.getInputStream())).isEqualTo(pattern(size));
            }
        }
    }

    @Test
    void badTokensAre401AndConnectIs405() throws Exception {
        HttpResponse<String> wrongKey = client.send(HttpRequest.newBuilder(URI.create(base(true) + "/" + ENTITY))
                .header("ServiceBusAuthorization",
                TestGateway.token(ENTITY, TestGateway.KEY_NAME, "d3Jvbmcta2V5", java.time.Instant.now()
                        .plusSeconds(60)))
                .GET().build(), BodyHandlers.ofString());
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base(false) + "/" + ENTITY))
                .GET().build(), BodyHandlers.ofString());

        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(wrongKey.body()).startsWith("The token has an invalid signature. TrackingId:");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).startsWith("MissingToken:");
        assertThat(RawHttp.exchange(gateway.get().addresses().plainPort(), "CONNECT /" + ENTITY
                + " HTTP/1.1\r\nHost: localhost\r\n\r\n").status()).isEqualTo(405);
    }

    @Test
    void noListenerIs502WithTheServicesJsonError() throws Exception {
        HttpResponse<String> response = client.send(request(false, TestGateway.NESTED_ENTITY, "")
                .GET().build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(response.headers().firstValue("via")).isEmpty();
        assertThat(response.body()).startsWith("{\"error\":{\"code\":\"BadGateway\",\"message\":\"There are no "
                + "listeners connected for the endpoint. TrackingId:");
    }

    @Test
    void listenerThatNeverAnswersIs504AfterTheResponseTimeout() throws Exception {
        TestGateway gw = gateway.get();
        try (NodeProcess silent = node.start("hyco-https-listener.js", environment(gw),
                gw.listenUri(false, TestGateway.NESTED_ENTITY).toString(), TestGateway.KEY_NAME, TestGateway.KEY,
                "silent", "20")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(silent.lines())
                    .contains("listening"));
            long start = System.nanoTime();

            HttpResponse<String> response = client.send(request(true, TestGateway.NESTED_ENTITY, "")
                    .POST(BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(RESPONSE_TIMEOUT);
            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(response.body()).startsWith("{\"error\":{\"code\":\"GatewayTimeout\",\"message\":\"The listener "
                    + "did not respond within 3000 ms. TrackingId:");
            assertThat(silent.lines()).contains("request POST /" + TestGateway.NESTED_ENTITY);
        }
    }

    /** A request to {@code /<entity><rest>} with a token for the entity. */
    private static HttpRequest.Builder request(boolean tls, String entity, String rest) {
        return HttpRequest.newBuilder(URI.create(base(tls) + "/" + entity + rest))
                .timeout(Duration.ofSeconds(60))
                .header("ServiceBusAuthorization", TestGateway.token(entity));
    }

    private static String base(boolean tls) {
        TestGateway gw = gateway.get();
        return tls ? "https://localhost:" + gw.addresses().tlsPort() : "http://127.0.0.1:" + gw.addresses().plainPort();
    }

    private static byte[] pattern(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i % 251);
        }
        return body;
    }

    /** Reads one response with a Content-Length or chunked body from a kept-alive connection. */
    private static byte[] readBody(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("response head so far: %s", head).isNotNegative();
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("connection: close");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int length = lower.indexOf("content-length: ");
        if (length >= 0) {
            int n = Integer.parseInt(lower.substring(length + 16, lower.indexOf("\r\n", length)).strip());
            body.write(in.readNBytes(n));
        } else {
            while (true) {
                String sizeLine = readLine(in);
                int n = Integer.parseInt(sizeLine.strip(), 16);
                if (n == 0) {
                    readLine(in);
                    break;
                }
                body.write(in.readNBytes(n));
                readLine(in);
            }
        }
        return body.toByteArray();
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            assertThat(c).isNotNegative();
            line.append((char) c);
        }
        return line.toString().strip();
    }

    private static Map<String, String> environment(TestGateway gw) {
        return Map.of("NODE_EXTRA_CA_CERTS", gw.server().certificateAuthority().caCertificatePem().toString());
    }
}
