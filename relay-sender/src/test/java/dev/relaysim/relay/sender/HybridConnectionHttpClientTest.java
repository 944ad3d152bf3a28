package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.listener.RelayedHttpListenerRequest;
import dev.relaysim.relay.listener.RequestHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.ENTITY;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP sender and the listener's request handler, relayed through the in-process gateway. */
@Timeout(120)
class HybridConnectionHttpClientTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static EventLoopGroup group;

    private final BlockingQueue<RelayedHttpListenerRequest> requests = new LinkedBlockingQueue<>();

    /** Answers 200 with the request's method and target in headers and its body echoed. */
    private final RequestHandler echo = (request, response) -> {
        requests.add(request);
        response.headers().set("X-Method", request.method()).set("X-Target", request.requestTarget());
        try (InputStream in = request.body(); OutputStream out = response.body()) {
            in.transferTo(out);
        }
    };

    @BeforeAll
    static void startGroup() {
        group = EventLoops.newGroup("http-sender-test", 2);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @CsvSource({"GET,true", "POST,false", "HEAD,true", "PUT,false", "DELETE,true"})
    void relaysEveryMethod(String method, boolean tls) throws Exception {
        try (HybridConnectionListener listener = listener(echo);
             HybridConnectionHttpClient client = client(tls)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest.Builder request = RelayHttpRequest.builder().method(method).pathSuffix("items/7");
            boolean withBody = method.equals("POST") || method.equals("PUT");
            if (withBody) {
                request.body("payload".getBytes());
            }
            try (RelayHttpResponse response = client.send(request.build()).get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().get("X-Method")).isEqualTo(method);
                assertThat(response.headers().get("X-Target")).isEqualTo("/" + ENTITY + "/items/7");
                assertThat(new String(response.bodyAsBytes())).isEqualTo(withBody ? "payload" : "");
            }
            RelayedHttpListenerRequest received = requests.poll(10, TimeUnit.SECONDS);
            assertThat(received.method()).isEqualTo(method);
            assertThat(received.hasBody()).isEqualTo(withBody);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1024, 70 * 1024, 8 * 1024 * 1024})
    void bodiesArriveByteExactBothWays(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        try (HybridConnectionListener listener = listener(echo);
             HybridConnectionHttpClient client = client(true)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest request = RelayHttpRequest.builder().method("POST").body(body)
                    .header(HttpHeaderNames.CONTENT_TYPE.toString(), "application/octet-stream").build();
            try (RelayHttpResponse response = client.send(request).get(60, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
                byte[] echoed = response.bodyAsBytes();
                assertThat(echoed.length).isEqualTo(size);
                assertThat(echoed).isEqualTo(body);
            }
        }
    }

    @Test
    void aLargeRequestCanGetASmallAnswerAndASmallRequestALargeOne() throws Exception {
        byte[] large = new byte[300 * 1024];
        new Random(5).nextBytes(large);
        RequestHandler handler = (request, response) -> {
            byte[] body;
            try (InputStream in = request.body()) {
                body = in.readAllBytes();
            }
            if (body.length > 0) {
                response.statusCode(202).headers().set("X-Received", body.length);
            } else {
                try (OutputStream out = response.body()) {
                    out.write(large);
                }
            }
        };
        try (HybridConnectionListener listener = listener(handler);
             HybridConnectionHttpClient client = client(true)) {
            listener.open().get(20, TimeUnit.SECONDS);
            try (RelayHttpResponse small = client.send(RelayHttpRequest.builder().method("PUT").body(large).build())
                    .get(60, TimeUnit.SECONDS)) {
                assertThat(small.statusCode()).isEqualTo(202);
                assertThat(small.headers().getInt("X-Received")).isEqualTo(large.length);
                assertThat(small.bodyAsBytes()).isEmpty();
            }
            try (RelayHttpResponse big = client.send(RelayHttpRequest.builder().build()).get(60, TimeUnit.SECONDS)) {
                assertThat(big.statusCode()).isEqualTo(200);
                assertThat(big.bodyAsBytes()).isEqualTo(large);
            }
        }
    }

    @Test
    void aStreamOfUnknownLengthIsSentChunked() throws Exception {
        byte[] body = new byte[200 * 1024];
        new Random(3).nextBytes(body);
        try (HybridConnectionListener listener = listener(echo);
             HybridConnectionHttpClient client = client(false)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest request = RelayHttpRequest.builder().method("POST")
                    .body(new ByteArrayInputStream(body), -1).build();
            try (RelayHttpResponse response = client.send(request).get(60, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.bodyAsBytes()).isEqualTo(body);
            }
        }
    }

    @Test
    void theQueryArrivesAsSentWithoutRelayParameters() throws Exception {
        try (HybridConnectionListener listener = listener(echo);
             HybridConnectionHttpClient client = client(true)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest request = RelayHttpRequest.builder().pathSuffix("a%20b/c")
                    .query("x=1&sb-hc-id=abc&y=%2F%3D&SB-HC-Extra=2&z").build();
            try (RelayHttpResponse response = client.send(request).get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
            }
            RelayedHttpListenerRequest received = requests.poll(10, TimeUnit.SECONDS);
            assertThat(received.requestTarget()).isEqualTo("/" + ENTITY + "/a b/c?x=1&y=%2F%3D&z");
            assertThat(received.path()).isEqualTo("/" + ENTITY + "/a b/c");
            assertThat(received.query()).isEqualTo("x=1&y=%2F%3D&z");
        }
    }

    /** The path arrives percent-decoded, as the service sends it (docs/protocol.md); the query as sent. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a%20b               |            | /a b",
            "a%2Fb               |            | /a/b",
            "a+b                 |            | /a+b",
            "%C3%A4%E2%82%AC/x   |            | /ä€/x",
            "100%25/what%3F      | q=%3F      | /100%25/what%3F?q=%3F",
            "a%20b               | q=a%20b+c&x=%2F&sb-hc-id=1 | /a b?q=a%20b+c&x=%2F",
    })
    void theListenerSeesTheDecodedPath(String suffix, String query, String expected) throws Exception {
        RequestHandler recorder = (received, response) -> {
            requests.add(received);
            response.body().close();
        };
        try (HybridConnectionListener listener = listener(recorder);
             HybridConnectionHttpClient client = client(false)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest.Builder request = RelayHttpRequest.builder().pathSuffix(suffix);
            if (query != null) {
                request.query(query);
            }
            try (RelayHttpResponse response = client.send(request.build()).get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
            }
            RelayedHttpListenerRequest received = requests.poll(10, TimeUnit.SECONDS);
            assertThat(received.requestTarget()).isEqualTo("/" + ENTITY + expected);
        }
    }

    @Test
    void repeatedHeadersArriveJoinedBothWays() throws Exception {
        RequestHandler handler = (request, response) -> {
            requests.add(request);
            response.headers().add("X-Out", "one").add("X-Out", "two").set("X-In", request.headers().get("X-Multi"));
        };
        try (HybridConnectionListener listener = listener(handler);
             HybridConnectionHttpClient client = client(true)) {
            listener.open().get(20, TimeUnit.SECONDS);
            RelayHttpRequest request = RelayHttpRequest.builder().header("X-Multi", "a").header("X-Multi", "b")
                    .header("X-Single", "s").build();
            try (RelayHttpResponse response = client.send(request).get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(String.join(", ", response.headers().getAll("X-Out"))).isEqualTo("one, two");
                assertThat(response.headers().get("X-In")).isEqualTo("a, b");
                assertThat(response.headers().get(HttpHeaderNames.VIA)).isNotNull();
            }
            RelayedHttpListenerRequest received = requests.poll(10, TimeUnit.SECONDS);
            assertThat(received.headers().get("x-multi")).isEqualTo("a, b");
            assertThat(received.headers().get("X-Single")).isEqualTo("s");
            assertThat(received.headers().contains("ServiceBusAuthorization")).isFalse();
        }
    }

    @Test
    void requestsLeaveFromTheSourceAddress() throws Exception {
        try (HybridConnectionListener listener = listener(echo);
             HybridConnectionHttpClient client = HybridConnectionHttpClient.builder()
                     .connectionString(connectionString()).sslContext(sslContext())
                     .sourceAddress(InetAddress.getByName("127.0.0.7")).build()) {
            listener.open().get(20, TimeUnit.SECONDS);
            try (RelayHttpResponse response = client.send(RelayHttpRequest.builder().build())
                    .get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(requests.poll(10, TimeUnit.SECONDS).remoteEndpoint().address()).isEqualTo("127.0.0.7");
        }
    }

    @Test
    void statusAndDescriptionPassThrough() throws Exception {
        RequestHandler handler = (request, response) -> response.statusCode(418)
                .statusDescription("I'm a teapot, really");
        try (HybridConnectionListener listener = listener(handler);
             HybridConnectionHttpClient client = client(false)) {
            listener.open().get(20, TimeUnit.SECONDS);
            try (RelayHttpResponse response = client.send(RelayHttpRequest.builder().build())
                    .get(30, TimeUnit.SECONDS)) {
                assertThat(response.statusCode()).isEqualTo(418);
                assertThat(response.reasonPhrase()).isEqualTo("I'm a teapot, really");
            }
        }
    }

    @Test
    void withoutAListenerTheGatewayAnswers502() throws Exception {
        try (HybridConnectionHttpClient client = client(true);
             RelayHttpResponse response = client.send(RelayHttpRequest.builder().build()).get(30, TimeUnit.SECONDS)) {
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().contains(HttpHeaderNames.VIA)).isFalse();
            assertThat(new String(response.bodyAsBytes())).contains("There are no listeners connected");
        }
    }

    @Test
    void aThrowingHandlerGives500AndTheListenerKeepsServing() throws Exception {
        RequestHandler handler = (request, response) -> {
            if (request.requestTarget().endsWith("/fail")) {
                response.headers().set("X-Lost", "yes");
                throw new IllegalStateException("boom");
            }
            echo.handle(request, response);
        };
        try (HybridConnectionListener listener = listener(handler);
             HybridConnectionHttpClient client = client(true)) {
            listener.open().get(20, TimeUnit.SECONDS);
            try (RelayHttpResponse failed = client.send(RelayHttpRequest.builder().pathSuffix("fail").build())
                    .get(30, TimeUnit.SECONDS)) {
                assertThat(failed.statusCode()).isEqualTo(500);
                assertThat(failed.headers().contains("X-Lost")).isFalse();
            }
            try (RelayHttpResponse ok = client.send(RelayHttpRequest.builder().pathSuffix("ok").build())
                    .get(30, TimeUnit.SECONDS)) {
                assertThat(ok.statusCode()).isEqualTo(200);
            }
        }
    }

    private static HybridConnectionListener listener(RequestHandler handler) {
        return HybridConnectionListener.builder()
                .connectionString(connectionString())
                .sslContext(sslContext())
                .requestHandler(handler)
                .build();
    }

    private static HybridConnectionHttpClient client(boolean tls) {
        if (tls) {
            return HybridConnectionHttpClient.builder().connectionString(connectionString()).sslContext(sslContext())
                    .build();
        }
        return HybridConnectionHttpClient.builder()
                .endpoint(RelayEndpoint.of(URI.create("http://127.0.0.1:" + gateway.get().addresses().plainPort()),
                        ENTITY), TokenProvider.of(connectionString()))
                .eventLoopGroup(group).connectTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static ConnectionString connectionString() {
        return ConnectionString.parse("Endpoint=sb://localhost:" + gateway.get().addresses().tlsPort()
                + "/;SharedAccessKeyName=" + TestGateway.KEY_NAME + ";SharedAccessKey=" + TestGateway.KEY
                + ";EntityPath=" + ENTITY);
    }

    private static SslContext sslContext() {
        return SslContexts.forClient(gateway.get().server().certificateAuthority().caCertificatePem());
    }
}
