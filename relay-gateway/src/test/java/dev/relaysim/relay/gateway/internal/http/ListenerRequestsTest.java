package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.RequestCommand;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ListenerRequestsTest {

    @Test
    void listenerSeesEndToEndHeadersWithRepeatsJoinedAndNoTokens() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Host", "sandbox.servicebus.windows.net")
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "gone")
                .add("Keep-Alive", "timeout=5")
                .add("Content-Length", "5")
                .add("Transfer-Encoding", "chunked")
                .add("TE", "trailers")
                .add("Trailer", "X-T")
                .add("Upgrade", "h2c")
                .add("ServiceBusAuthorization", "SharedAccessSignature sr=a")
                .add("Authorization", "Bearer app")
                .add("Via", "1.1 proxy")
                .add("X-Multi", "one")
                .add("x-multi", "two")
                .add("Content-Type", "text/plain");

        Map<String, String> forwarded = ListenerRequests.requestHeaders(headers, false);

        assertThat(forwarded).containsExactly(Map.entry("Host", "sandbox.servicebus.windows.net"),
                Map.entry("Authorization", "Bearer app"), Map.entry("Via", "1.1 proxy"),
                Map.entry("X-Multi", "one, two"), Map.entry("Content-Type", "text/plain"));
        assertThat(ListenerRequests.requestHeaders(headers, true)).doesNotContainKey("Authorization");
    }

    @Test
    void rendezvousAddressNamesTheInstancesAuthority() {
        assertThat(ListenerRequests.rendezvousAddress(true, "127.0.0.1:9412", "echo/a%20b", "id_G12"))
                .isEqualTo("wss://127.0.0.1:9412/$hc/echo/a%20b?sb-hc-action=request&sb-hc-id=id_G12");
        assertThat(ListenerRequests.rendezvousAddress(false, "[::1]:9400", "echo", "x"))
                .isEqualTo("ws://[::1]:9400/$hc/echo?sb-hc-action=request&sb-hc-id=x");
    }

    @Test
    void bodiesOverSixtyFourKibOrOfUnknownLengthAndLongCommandsTakeTheRendezvous() {
        RequestCommand small = command(Map.of("X-A", "1"));

        assertThat(ListenerRequests.needsRendezvous(small, 0)).isFalse();
        assertThat(ListenerRequests.needsRendezvous(small, 64 * 1024)).isFalse();
        assertThat(ListenerRequests.needsRendezvous(small, 64 * 1024 + 1)).isTrue();
        assertThat(ListenerRequests.needsRendezvous(small, -1)).isTrue();
        Map<String, String> big = new LinkedHashMap<>();
        big.put("X-Big", "v".repeat(ListenerRequests.MAX_CONTROL_CHANNEL_COMMAND));
        assertThat(ListenerRequests.needsRendezvous(command(big), 0)).isTrue();
    }

    private static RequestCommand command(Map<String, String> headers) {
        return new RequestCommand("ws://127.0.0.1:9400/$hc/echo?sb-hc-action=request&sb-hc-id=x", "x", "/echo", "GET",
                null, headers, false);
    }
}
