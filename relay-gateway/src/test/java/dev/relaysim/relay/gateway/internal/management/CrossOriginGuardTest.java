package dev.relaysim.relay.gateway.internal.management;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import dev.relaysim.relay.gateway.internal.management.console.ConsoleAssets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CrossOriginGuard} on an {@link EmbeddedChannel}: what passes to the routes and what is refused 403. */
class CrossOriginGuardTest {

    private static final String ARM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Relay/namespaces"
            + "?api-version=2021-11-01";
    private static final String HOST = "127.0.0.1:9390";

    private final EmbeddedChannel channel = new EmbeddedChannel(new CrossOriginGuard(ConsoleAssets::isAsset));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void requestsWithoutBrowserHeadersAndSameOriginRequestsPass() {
        assertPasses(request(HttpMethod.GET, ARM));
        assertPasses(request(HttpMethod.PUT, "/relaysim/dns/faults", "Sec-Fetch-Site", "same-origin",
                "Origin", "http://" + HOST));
        assertPasses(request(HttpMethod.GET, "/relaysim/stats", "Sec-Fetch-Site", "none"));
        assertPasses(request(HttpMethod.POST, ARM, "Origin", "HTTP://127.0.0.1:9390"));
    }

    @Test
    void crossSiteAndSameSiteApiRequestsAreRefused403AndClosed() {
        assertRefused(request(HttpMethod.PUT, ARM, "Sec-Fetch-Site", "cross-site"), "Sec-Fetch-Site: cross-site");
        assertRefused(request(HttpMethod.GET, "/relaysim/stats", "Sec-Fetch-Site", "same-site"),
                "Sec-Fetch-Site: same-site");
    }

    @Test
    void anOriginOtherThanTheHostIsRefusedEvenWithoutFetchMetadata() {
        // Another port of the same host is another origin (and "same-site" for the browser).
        assertRefused(request(HttpMethod.POST, ARM, "Origin", "http://127.0.0.1:9443"),
                "Origin: http://127.0.0.1:9443 (expected: http://" + HOST + ")");
        // DNS rebinding: the attacker's name resolves to loopback, but the browser still says who sent it.
        assertRefused(request(HttpMethod.DELETE, ARM, "Origin", "null"), "Origin: null");
    }

    @Test
    void publicPathsAndConsoleFilesAreServedToAnyOrigin() {
        for (String path : new String[] {"/health", "/metrics", "/", "/console/app.js", "/console/console.css"}) {
            assertPasses(request(HttpMethod.GET, path, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.test"));
        }
        // ... for reading only.
        assertRefused(request(HttpMethod.POST, "/health", "Sec-Fetch-Site", "cross-site"), "cross-site");
    }

    private void assertPasses(FullHttpRequest request) {
        channel.writeInbound(request);
        FullHttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        ReferenceCountUtil.release(passed);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    private void assertRefused(FullHttpRequest request, String why) {
        EmbeddedChannel refusing = new EmbeddedChannel(new CrossOriginGuard(ConsoleAssets::isAsset));
        refusing.writeInbound(request);
        assertThat((Object) refusing.readInbound()).isNull();
        FullHttpResponse response = refusing.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .contains("\"code\":\"" + CrossOriginGuard.REFUSAL_CODE + "\"").contains(why);
            assertThat(response.headers().get("Access-Control-Allow-Origin")).isNull();
        } finally {
            response.release();
        }
        assertThat(request.refCnt()).isZero();
        assertThat(refusing.isOpen()).isFalse();
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String... headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
        request.headers().set("Host", HOST);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        return request;
    }
}
