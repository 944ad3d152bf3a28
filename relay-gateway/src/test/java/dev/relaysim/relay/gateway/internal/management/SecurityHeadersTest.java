package dev.relaysim.relay.gateway.internal.management;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityHeadersTest {

    @Test
    void everyResponseGetsThePolicyNosniffAndNoFramingAndNoStoreUnlessItChoseItsCaching() {
        EmbeddedChannel channel = new EmbeddedChannel(SecurityHeaders.INSTANCE);
        FullHttpResponse api = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        FullHttpResponse asset = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        asset.headers().set("Cache-Control", "no-cache");

        channel.writeOutbound(api, asset);

        FullHttpResponse first = channel.readOutbound();
        FullHttpResponse second = channel.readOutbound();
        try {
            assertThat(first.headers().get("Content-Security-Policy"))
                    .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
                    .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(first.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(first.headers().get("X-Frame-Options")).isEqualTo("DENY");
            assertThat(first.headers().get("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(first.headers().get("Cache-Control")).isEqualTo("no-store");
            assertThat(second.headers().get("Cache-Control")).isEqualTo("no-cache");
            assertThat(second.headers().get("Content-Security-Policy"))
                    .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
        } finally {
            first.release();
            second.release();
            channel.finishAndReleaseAll();
        }
    }
}
