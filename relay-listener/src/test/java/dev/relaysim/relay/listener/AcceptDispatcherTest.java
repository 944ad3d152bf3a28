package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What a listener answers an accept command, before any connection is opened. */
class AcceptDispatcherTest {

    private static final String ADDRESS = "wss://localhost:9443/$hc/echo?sb-hc-action=accept&sb-hc-id=c1";
    private static final AcceptCommand ACCEPT = new AcceptCommand(ADDRESS, "c1", Map.of(), null);
    private static final ListenerConnectionHandler ECHO =
            (accept, connection) -> connection.setHandler(connection::send);

    private final RelayWebSocketClient client = new RelayWebSocketClient(null, RelayClientConfig.defaults());

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void theAcceptHandlersDecisionStands() {
        AcceptDecision teapot = AcceptDecision.reject(418, "not today");

        assertThat(dispatcher(accept -> teapot, ECHO).decide(ACCEPT)).isSameAs(teapot);
        assertThat(dispatcher(AcceptHandler.ACCEPT_ALL, ECHO).decide(ACCEPT).accepted()).isTrue();
    }

    @Test
    void withoutAConnectionHandlerWebSocketSendersGet501() {
        AcceptDecision decision = dispatcher(AcceptHandler.ACCEPT_ALL, null).decide(ACCEPT);

        assertThat(decision.accepted()).isFalse();
        assertThat(decision.statusCode()).isEqualTo(501);
        assertThat(decision.statusDescription()).isEqualTo("This listener serves HTTP requests only");
    }

    @Test
    void aHandlerThatThrowsOrDecidesNothingRejectsWith502AsTheSdksDo() {
        AcceptHandler throwing = accept -> {
            throw new IllegalStateException("boom");
        };
        for (AcceptHandler handler : new AcceptHandler[] {throwing, accept -> null}) {
            AcceptDecision decision = dispatcher(handler, ECHO).decide(ACCEPT);

            assertThat(decision.statusCode()).isEqualTo(AcceptDispatcher.HANDLER_FAILED_STATUS);
            assertThat(decision.statusDescription()).isEqualTo(AcceptDispatcher.HANDLER_FAILED_DESCRIPTION);
        }
    }

    @Test
    void aRejectionAppendsStatusAndEncodedDescriptionToTheAddress() {
        AcceptDecision decision = AcceptDecision.reject(403, "not you & not now");

        assertThat(AcceptDispatcher.rejectUri(ADDRESS, decision).toString()).isEqualTo(ADDRESS
                + "&sb-hc-statusCode=403&sb-hc-statusDescription=not%20you%20%26%20not%20now");
        assertThat(AcceptDispatcher.rejectUri("wss://localhost/$hc/echo", decision).toString())
                .startsWith("wss://localhost/$hc/echo?sb-hc-statusCode=403&");
    }

    @Test
    void theFirstOfferedSubprotocolIsTakenWhateverTheHeadersCase() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "localhost");
        headers.put("sec-websocket-protocol", " , chat.v2, chat.v1");

        assertThat(AcceptDispatcher.firstSubprotocol(headers)).isEqualTo("chat.v2");
        assertThat(AcceptDispatcher.firstSubprotocol(Map.of("Host", "localhost"))).isNull();
    }

    private AcceptDispatcher dispatcher(AcceptHandler acceptHandler, ListenerConnectionHandler connectionHandler) {
        return new AcceptDispatcher("l1", client, acceptHandler, connectionHandler, Runnable::run,
                ConcurrentHashMap.newKeySet(), () -> false);
    }
}
