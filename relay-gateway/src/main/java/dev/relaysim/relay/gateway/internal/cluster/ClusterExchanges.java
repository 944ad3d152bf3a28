package dev.relaysim.relay.gateway.internal.cluster;

import dev.relaysim.relay.common.protocol.ResponseCommand;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.buffer.ByteBuf;

import java.util.Optional;

/**
 * What a node's HTTP request mode does for the other nodes (it is {@code http.HttpExchanges}): on the listener's node
 * it routes a listener's control-channel {@code response} to a {@link ResponseForwarder} instead of a local exchange;
 * on the sender's node it finds the exchange a forwarded response belongs to. Thread-safe.
 */
public interface ClusterExchanges {

    /**
     * On the listener's node: the {@code response} to {@code requestId} that {@code listener} sends on its control
     * channel goes to {@code receiver} (once), until {@link #stopForwarding}.
     */
    void forward(String requestId, ListenerConnection listener, HttpResponseReceiver receiver);

    /** Ends what {@link #forward} started, if it is still {@code receiver}'s. */
    void stopForwarding(String requestId, HttpResponseReceiver receiver);

    /** On the sender's node: the exchange of {@code requestId} whose listener is on another node, while it runs. */
    Optional<RemoteExchange> remoteExchange(String requestId);

    /**
     * An HTTP exchange on the sender's node whose listener's control channel is on another node: what that node
     * forwards of the listener's answer, in order. Every method may be called from any thread.
     */
    interface RemoteExchange {

        /** Claims the response for the control channel (a rendezvous may have claimed it first); true only once. */
        boolean claimResponse();

        /** The response head the listener sent on its control channel. */
        void onRemoteResponse(ResponseCommand response);

        /** One piece of the body of the response {@link #onRemoteResponse} began; takes ownership of it. */
        void onRemoteBody(ByteBuf content, boolean last);

        /** The listener's control channel closed during the body of that response. */
        void onRemoteAbort(String reason);

        /** The listener's control channel closed before it answered on it. */
        void onListenerGone();
    }
}
