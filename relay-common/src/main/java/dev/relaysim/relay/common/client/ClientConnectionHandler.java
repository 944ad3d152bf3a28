package dev.relaysim.relay.common.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Last handler of a client WebSocket ({@link dev.relaysim.relay.common.pipeline.HandlerNames#CLIENT_CONNECTION}).
 * Until the handshake completes it turns failures into the connect future's exception (a refused
 * upgrade becomes a {@link RelayHandshakeException}); on {@link ClientHandshakeStateEvent#HANDSHAKE_COMPLETE}
 * it creates the {@link RelayConnection} and
 * completes the future with it; afterwards it lends
 * whole text and binary frames' content to the connection (no copy), hands it close frames, releasing each, and tells
 * it about errors and the end of the socket. On a connection that delivers fragments (no frame aggregator before it)
 * each text, binary and continuation frame goes to the connection as a fragment of the type its message started with.
 * Pings are answered and pongs dropped before it, by Netty's protocol handler.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    private final URI uri;
    private final RelayClientConfig config;
    private final boolean fragments;
    private final CompletableFuture<RelayConnection> connectFuture;
    private RelayConnection connection;
    /** Fragments only: whether the message being received is text. */
    private boolean textMessage;

    ClientConnectionHandler(URI uri, RelayClientConfig config, boolean fragments,
            CompletableFuture<RelayConnection> connectFuture) {
        this.uri = uri;
        this.config = config;
        this.fragments = fragments;
        this.connectFuture = connectFuture;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            WebSocketClientProtocolHandler protocol = ctx.pipeline().get(WebSocketClientProtocolHandler.class);
            String subprotocol = protocol.handshaker().actualSubprotocol();
            connection = new RelayConnection(ctx.channel(), uri,
                    subprotocol == null || subprotocol.isEmpty() ? null : subprotocol, config);
            if (!connectFuture.complete(connection)) {
                ctx.close();
            }
            return;
        }
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            connectFuture.completeExceptionally(tls.cause());
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            connectFuture.completeExceptionally(new TimeoutException("no WebSocket upgrade response from "
                    + authority()));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (connection == null) {
                return;
            }
            if (msg instanceof CloseWebSocketFrame close) {
                connection.onCloseFrame(close);
            } else if (fragments && msg instanceof WebSocketFrame frame) {
                onFragment(frame);
            } else if (msg instanceof WebSocketFrame frame && frame.content()
                    .readableBytes() > config.maxMessageSize()) {
                // The frame aggregator limits fragmented messages only; a single frame is checked here.
                connection.onException(new TooLongFrameException("message of " + frame.content().readableBytes()
                        + " bytes (expected: <= " + config.maxMessageSize() + ")"));
            } else if (msg instanceof TextWebSocketFrame text) {
                connection.onMessage(true, text.content());
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                connection.onMessage(false, binary.content());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFragment(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            textMessage = true;
        } else if (frame instanceof BinaryWebSocketFrame) {
            textMessage = false;
        } else if (!(frame instanceof ContinuationWebSocketFrame)) {
            return;
        }
        connection.onMessage(RelayMessage.wrapFragment(textMessage, ByteBufUtil.getBytes(frame.content()),
                frame.isFinalFragment()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection != null) {
            connection.onException(cause);
            return;
        }
        connectFuture.completeExceptionally(handshakeFailure(ctx, cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.onInactive();
        } else {
            connectFuture.completeExceptionally(
                    new IOException(authority() + " closed the connection before the WebSocket upgrade completed"));
        }
        super.channelInactive(ctx);
    }

    private Throwable handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null
                && !HttpResponseStatus.SWITCHING_PROTOCOLS.equals(refused.response().status())) {
            HttpResponseStatus status = refused.response().status();
            String body = ctx.channel().attr(HandshakeResponseRecorder.REFUSAL_BODY).get();
            return new RelayHandshakeException(status.code(), status.reasonPhrase(), body == null ? "" : body);
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
            return tls;
        }
        return cause;
    }

    private String authority() {
        return uri.getHost() + ':' + RelayWebSocketClient.port(uri);
    }
}
