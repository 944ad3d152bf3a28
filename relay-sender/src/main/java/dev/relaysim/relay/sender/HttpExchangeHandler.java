package dev.relaysim.relay.sender;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Last handler of an HTTP sender connection ({@link dev.relaysim.relay.common.pipeline.HandlerNames#HTTP_EXCHANGE}):
 * one request per connection. When the channel is active it writes the request head and the body (a
 * {@link ChunkedInput} the chunked writer streams as the socket takes it, or an empty last content). The response
 * head completes the future with a {@link RelayHttpResponse}; its content goes, copied and released, into the
 * response's {@link ResponseBodyStream}, and the connection closes after the last content. Informational (1xx)
 * responses are skipped. Failures before the head fail the future (a TLS failure with its cause); after it they
 * fail the body stream. No response head within the response timeout fails the future with a
 * {@link TimeoutException}.
 */
final class HttpExchangeHandler extends ChannelInboundHandlerAdapter {

    private final HttpRequest head;
    private final ChunkedInput<HttpContent> body;
    private final Duration responseTimeout;
    private final CompletableFuture<RelayHttpResponse> responseFuture;
    private ScheduledFuture<?> timeout;
    private ResponseBodyStream stream;
    private boolean skippingInformational;
    private boolean done;

    /**
     * @param body {@code null} for a request without body
     */
    HttpExchangeHandler(HttpRequest head, ChunkedInput<HttpContent> body, Duration responseTimeout,
                        CompletableFuture<RelayHttpResponse> responseFuture) {
        this.head = head;
        this.body = body;
        this.responseTimeout = responseTimeout;
        this.responseFuture = responseFuture;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> {
            if (responseFuture.completeExceptionally(new TimeoutException(
                    "no response within " + responseTimeout.toSeconds() + " s"))) {
                ctx.close();
            }
        }, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ChannelFutureListener onWritten = write -> {
            if (!write.isSuccess() && responseFuture.completeExceptionally(write.cause())) {
                done = true;
                ctx.close();
            }
        };
        ctx.write(head).addListener(onWritten);
        ctx.writeAndFlush(body != null ? body : LastHttpContent.EMPTY_LAST_CONTENT).addListener(onWritten);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                onHead(ctx, response);
            }
            if (msg instanceof HttpContent content && !skippingInformational && stream != null) {
                if (content.content().isReadable()) {
                    stream.offer(ByteBufUtil.getBytes(content.content()));
                }
                if (content instanceof LastHttpContent) {
                    done = true;
                    stream.end();
                    ctx.close();
                }
            } else if (msg instanceof LastHttpContent) {
                skippingInformational = false;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            fail(ctx, tls.cause());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        if (!done) {
            done = true;
            IOException closed = new IOException("the relay closed the connection before the "
                    + (stream == null ? "response" : "response body ended"));
            if (!responseFuture.completeExceptionally(closed) && stream != null) {
                stream.fail(closed);
            }
        }
        super.channelInactive(ctx);
    }

    private void onHead(ChannelHandlerContext ctx, HttpResponse response) {
        HttpResponseStatus status = response.status();
        if (status.codeClass() == HttpStatusClass.INFORMATIONAL
                && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            skippingInformational = true;
            return;
        }
        skippingInformational = false;
        cancelTimeout();
        stream = new ResponseBodyStream(ctx.channel(), responseTimeout);
        if (!responseFuture.complete(new RelayHttpResponse(status.code(), status.reasonPhrase(), response.headers(),
                stream))) {
            done = true;
            ctx.close();
        }
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            if (!responseFuture.completeExceptionally(cause) && stream != null) {
                stream.fail(cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause));
            }
        }
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
