package dev.relaysim.relay.gateway.internal.channel;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * The last handler of every gateway pipeline: logs the first unhandled exception once, with the channel and the
 * pipeline's handler names, and closes the channel once. Connection resets are logged at DEBUG, TLS handshake
 * failures at INFO (also those {@code SslHandler} reports only as an event, such as its handshake timeout), anything
 * else at WARN with its stack trace. A WebSocket frame that breaks the protocol (a
 * {@code CorruptedWebSocketFrameException} from Netty's decoder or UTF-8 validator, which send no close frame of
 * their own) is logged at INFO and answered with one close frame with the violation's code (1002, 1007 or 1009),
 * after which the channel is closed. Inbound messages nobody consumed are released.
 */
public final class ErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ErrorHandler.class);

    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        logger.debug("{} discarded unhandled {}", ctx.channel(), msg.getClass().getSimpleName());
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess() && !failed) {
            // A handshake timeout reaches no exceptionCaught; other failures follow as an exception, logged here once.
            failed = true;
            logger.info("{} TLS failed: {}", ctx.channel(), describeTlsFailure(handshake.cause()));
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            return;
        }
        failed = true;
        if (cause instanceof CorruptedWebSocketFrameException violation) {
            int code = violation.closeStatus().code();
            logger.info("{} broke the WebSocket protocol, closing with {}: {}", ctx.channel(), code,
                    violation.getMessage());
            ctx.writeAndFlush(new CloseWebSocketFrame(code,
                            CloseReasons.truncate(String.valueOf(violation.getMessage()))))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (isTlsFailure(cause)) {
            // Before IOException: SSLException is one, and these are logged at INFO.
            logger.info("{} TLS failed: {}", ctx.channel(), describeTlsFailure(cause));
        } else if (cause instanceof IOException) {
            logger.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unhandled error; pipeline {}", ctx.channel(), ctx.pipeline().names(), cause);
        }
        ctx.close();
    }

    /**
     * Not the exception itself (SLF4J would print its stack trace as the last argument), and not the message of a
     * NotSslRecordException: it is a hex dump of the bytes received, which may carry a token.
     */
    private static String describeTlsFailure(Throwable cause) {
        Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return failure instanceof NotSslRecordException ? "not a TLS record (plain text on a TLS port?)"
                : failure.toString();
    }

    private static boolean isTlsFailure(Throwable cause) {
        return cause instanceof NotSslRecordException || cause instanceof SSLException
                || cause instanceof DecoderException && cause.getCause() instanceof SSLException;
    }
}
