package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.internal.cluster.ListenerCluster;
import dev.relaysim.relay.gateway.internal.cluster.RemoteListener;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static java.util.Objects.requireNonNull;

/**
 * The listener an {@link HttpExchange} sends its request to: a control channel on this node ({@link #local}), or one
 * on another node of the cluster ({@link #remote}), which gets the request through Hazelcast and sends the listener's
 * control-channel answer back ({@link dev.relaysim.relay.gateway.internal.cluster.ClusterExchanges}).
 */
interface RequestListener {

    /** The listener's id, for logs and error texts. */
    String id();

    /** The control channel on this node, or null for a listener on another node. */
    @Nullable ListenerConnection local();

    /** Writes a command without a body; completes when it was written. */
    CompletionStage<Void> send(RequestCommand command);

    /** Writes a full-form command and its body as one unit (see {@link ListenerConnection#send(
     * dev.relaysim.relay.common.protocol.ControlCommand, ByteBuf)}); takes ownership of {@code body}. */
    CompletionStage<Void> send(RequestCommand command, ByteBuf body);

    /**
     * Runs {@code onClosed} when a local control channel closes; a remote listener's node reports that itself.
     *
     * @return what stops watching
     */
    Runnable watchClose(Runnable onClosed);

    static RequestListener local(ListenerConnection listener) {
        requireNonNull(listener, "listener");
        return new RequestListener() {
            @Override
            public String id() {
                return listener.id();
            }

            @Override
            public ListenerConnection local() {
                return listener;
            }

            @Override
            public CompletionStage<Void> send(RequestCommand command) {
                return stage(listener.send(command));
            }

            @Override
            public CompletionStage<Void> send(RequestCommand command, ByteBuf body) {
                return stage(listener.send(command, body));
            }

            @Override
            public Runnable watchClose(Runnable onClosed) {
                ChannelFutureListener closed = future -> onClosed.run();
                listener.channel().closeFuture().addListener(closed);
                return () -> listener.channel().closeFuture().removeListener(closed);
            }
        };
    }

    /**
     * @param responseTimeout how long the sender's node waits for the response, so the listener's node forwards it
     *                        for as long
     */
    static RequestListener remote(ListenerCluster cluster, HybridConnection entity, RemoteListener listener,
                                  Duration responseTimeout) {
        requireNonNull(cluster, "cluster");
        requireNonNull(entity, "entity");
        requireNonNull(listener, "listener");
        requireNonNull(responseTimeout, "responseTimeout");
        return new RequestListener() {
            @Override
            public String id() {
                return listener.listenerId();
            }

            @Override
            public @Nullable ListenerConnection local() {
                return null;
            }

            @Override
            public CompletionStage<Void> send(RequestCommand command) {
                return cluster.deliverRequest(entity, listener, command, null, responseTimeout);
            }

            @Override
            public CompletionStage<Void> send(RequestCommand command, ByteBuf body) {
                return cluster.deliverRequest(entity, listener, command, body, responseTimeout);
            }

            @Override
            public Runnable watchClose(Runnable onClosed) {
                return () -> { };
            }

            @Override
            public String toString() {
                return "listener " + listener.listenerId() + " on member " + listener.memberId();
            }
        };
    }

    private static CompletionStage<Void> stage(ChannelFuture written) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        written.addListener(done -> {
            if (done.isSuccess()) {
                stage.complete(null);
            } else {
                stage.completeExceptionally(done.cause());
            }
        });
        return stage;
    }
}
