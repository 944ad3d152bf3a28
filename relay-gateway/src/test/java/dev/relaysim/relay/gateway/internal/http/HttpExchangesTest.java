package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HttpExchanges} on a listener's node of a cluster: a request another node sent to one of its listeners has
 * the listener's control-channel {@code response} routed to that request's forwarder, once, and only from that
 * listener.
 */
class HttpExchangesTest {

    private final HttpExchanges exchanges = new HttpExchanges();
    private final EmbeddedChannel first = new EmbeddedChannel();
    private final EmbeddedChannel second = new EmbeddedChannel();
    private final ListenerConnection listener = new ListenerConnection("l1", first, false);
    private final ListenerConnection other = new ListenerConnection("l2", second, false);
    private final HttpResponseReceiver forwarder = new Ignoring();

    @AfterEach
    void close() {
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aForwardedRequestsResponseIsRoutedOnceAndOnlyFromItsListener() {
        exchanges.forward("r1", listener, forwarder);

        assertThat(exchanges.claimResponse("r1", other)).as("another listener's response").isEmpty();
        assertThat(exchanges.claimResponse("r2", listener)).as("another request").isEmpty();
        assertThat(exchanges.claimResponse("r1", listener)).containsSame(forwarder);
        assertThat(exchanges.claimResponse("r1", listener)).as("a second response").isEmpty();
        assertThat(exchanges.remoteExchange("r1")).as("no exchange of this node's senders").isEmpty();
    }

    @Test
    void stoppingEndsOnlyItsOwnForwarding() {
        exchanges.forward("r1", listener, forwarder);
        exchanges.stopForwarding("r1", new Ignoring());
        assertThat(exchanges.claimResponse("r1", listener)).containsSame(forwarder);

        exchanges.forward("r2", listener, forwarder);
        exchanges.stopForwarding("r2", forwarder);
        assertThat(exchanges.claimResponse("r2", listener)).isEmpty();
    }

    @Test
    void aRequestIdIsForwardedOnceAtATime() {
        exchanges.forward("r1", listener, forwarder);

        assertThatThrownBy(() -> exchanges.forward("r1", other, new Ignoring()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("r1");
        assertThat(exchanges.claimResponse("r1", listener)).containsSame(forwarder);
    }

    /** A receiver that takes nothing (the routing is under test, not the response). */
    private static final class Ignoring implements HttpResponseReceiver {

        @Override
        public void onResponse(ResponseCommand response, Channel source) {
        }

        @Override
        public void onBody(ByteBuf content, boolean last) {
            content.release();
        }

        @Override
        public void onAbort(String reason) {
        }
    }
}
