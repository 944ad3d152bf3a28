package dev.relaysim.relay.gateway.internal.admission;

import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceErrorsTest {

    @Test
    void describesInTheServicesStyle() {
        String text = ServiceErrors.describe("Endpoint does not exist.", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0_G4",
                "sandbox.servicebus.windows.net:echo", Instant.parse("2026-11-28T23:10:11.123Z"));

        assertThat(text).isEqualTo("Endpoint does not exist. TrackingId:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0_G4, "
                + "SystemTracker:sandbox.servicebus.windows.net:echo, Timestamp:2026-11-28T23:10:11Z");
        assertThat(ServiceErrors.trackingId(7)).matches("[0-9a-f-]{36}_G7");
    }

    @Test
    void makesReasonPhrasesSafe() {
        FullHttpResponse response = ServiceErrors.response(403, "line one\r\nline two\u0001 caf\u00e9", "body\r\nkept");
        try {
            assertThat(response.status().code()).isEqualTo(403);
            assertThat(response.status().reasonPhrase()).isEqualTo("line oneline two? caf?");
            assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("body\r\nkept");
            assertThat(response.headers().get("connection")).isEqualTo("close");
        } finally {
            response.release();
        }
        assertThat(ServiceErrors.reasonPhrase("", 404)).isEqualTo("Not Found");
        assertThat(ServiceErrors.reasonPhrase("x".repeat(5000), 400)).hasSize(ServiceErrors.MAX_REASON_LENGTH);
    }
}
