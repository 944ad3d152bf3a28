package dev.relaysim.relay.gateway.internal.admission;

import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpErrorsTest {

    @Test
    void bodyIsTheServicesJsonErrorWithTheMessageEscaped() {
        assertThat(HttpErrors.body(HttpErrors.GATEWAY_TIMEOUT, "say \"hi\"\n"))
                .isEqualTo("{\"error\":{\"code\":\"GatewayTimeout\",\"message\":\"say \\\"hi\\\"\\n\"}}");
    }

    @Test
    void responseIsJsonAndClosesTheConnection() {
        FullHttpResponse response = HttpErrors.response(502, HttpErrors.BAD_GATEWAY, "none");
        try {
            assertThat(response.status().code()).isEqualTo(502);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.headers().get("Connection")).isEqualTo("close");
            assertThat(response.headers().contains("Via")).isFalse();
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"error\":{\"code\":\"BadGateway\",\"message\":\"none\"}}");
        } finally {
            response.release();
        }
    }
}
