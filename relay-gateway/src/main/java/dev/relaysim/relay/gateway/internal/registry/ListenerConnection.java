package dev.relaysim.relay.gateway.internal.registry;

import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;

import static java.util.Objects.requireNonNull;
import dev.relaysim.relay.gateway.internal.channel.CloseReasons;

/**
 * One listener's control channel as the rest of the gateway sees it: its id, whether its WebSocket handshake is
 * done, where it reached the gateway, and a way to send it commands. Safe to use from any thread.
 */
public final class ListenerConnection {

    private final String id;
    private final Channel channel;
    private final boolean secure;
    private volatile boolean ready;

    /**
     * @param id the listener's {@code sb-hc-id}, or one the gateway made up
     * @param channel the control channel
     * @param secure whether the control channel runs over TLS (accept addresses then use {@code wss})
     */
    public ListenerConnection(String id, Channel channel, boolean secure) {
        this.id = requireNonNull(id, "id");
        this.channel = requireNonNull(channel, "channel");
        this.secure = secure;
    }

    public String id() {
        return id;
    }

    public Channel channel() {
        return channel;
    }

    public boolean secure() {
        return secure;
    }

    /** The local address the listener connected to: the host accept addresses point at. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Whether the WebSocket upgrade is under way or done and the channel still open: only then may it get commands. */
    public boolean isReady() {
        return ready && channel.isActive();
    }

    /**
     * Called on the control channel's event loop right before its WebSocket handshake runs there (commands written
     * from other threads are queued behind it and so follow the 101), and again on the handshake's completion.
     */
    public void markReady() {
        ready = true;
    }

    /** Writes one command as a text message. */
    public ChannelFuture send(ControlCommand command) {
        requireNonNull(command, "command");
        return channel.writeAndFlush(new TextWebSocketFrame(ControlCommandCodec.encode(command)));
    }

    /**
     * Writes one command as a text message followed by {@code body} as one binary message, in a single task on the
     * control channel's event loop, so that no other command can come between them (a Node listener reads the
     * message after a {@code request} as its body).
     *
     * @param body the body; this method takes ownership of it
     * @return the future of the body's write
     */
    public ChannelFuture send(ControlCommand command, ByteBuf body) {
        requireNonNull(command, "command");
        requireNonNull(body, "body");
        String text = ControlCommandCodec.encode(command);
        ChannelPromise promise = channel.newPromise();
        try {
            channel.eventLoop().execute(() -> {
                channel.write(new TextWebSocketFrame(text));
                channel.writeAndFlush(new BinaryWebSocketFrame(body), promise);
            });
        } catch (RejectedExecutionException e) {
            body.release();
            promise.setFailure(e);
        }
        return promise;
    }

    /**
     * Closes the control channel with a close frame, {@code 1001} for a gateway going away, {@code 1008} for a
     * policy violation.
     *
     * @return the channel's close future
     */
    public ChannelFuture close(WebSocketCloseStatus status, String reason) {
        requireNonNull(status, "status");
        requireNonNull(reason, "reason");
        if (!ready) {
            return channel.close();
        }
        channel.writeAndFlush(new CloseWebSocketFrame(status.code(), CloseReasons.truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
        return channel.closeFuture();
    }

    @Override
    public String toString() {
        return "listener " + id + " on " + channel;
    }

    /** The address and port of a channel's peer, as commands to a listener carry them. */
    public static RemoteEndpoint remoteEndpoint(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return new RemoteEndpoint(inet.getAddress().getHostAddress(), inet.getPort());
        }
        return new RemoteEndpoint(String.valueOf(address), 0);
    }
}
