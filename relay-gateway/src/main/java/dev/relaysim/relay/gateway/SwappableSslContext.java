package dev.relaysim.relay.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import java.util.List;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * A server {@link SslContext} whose certificate can be replaced while channel initializers hold it: every new
 * connection gets a handler of the current delegate, open ones keep theirs. The gateway swaps in a context with a
 * reissued certificate when a namespace or private endpoint address is added, without rebinding its ports.
 * <p>
 * Handlers are the delegate's own, not handlers around its {@link #newEngine} engines: a BoringSSL context gives its
 * handlers engines that unwrap all the records at hand per call, as every other TLS endpoint of the project and its
 * bench uses them, where an engine from {@code newEngine} keeps the JDK's one record per call. This context never
 * starts TLS late ({@code startTls} is false here and in the delegates the gateway builds).
 */
final class SwappableSslContext extends SslContext {

    private volatile SslContext delegate;

    SwappableSslContext(SslContext initial) {
        delegate = requireNonNull(initial, "initial");
    }

    /** New connections use {@code replacement} from now on. */
    void swap(SslContext replacement) {
        delegate = requireNonNull(replacement, "replacement");
    }

    @Override
    public boolean isClient() {
        return delegate.isClient();
    }

    @Override
    public List<String> cipherSuites() {
        return delegate.cipherSuites();
    }

    @Override
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return delegate.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return delegate.newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return delegate.newEngine(alloc, peerHost, peerPort);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return delegate.newHandler(alloc);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return delegate.newHandler(alloc, executor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        return delegate.newHandler(alloc, peerHost, peerPort);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
                                    Executor executor) {
        return delegate.newHandler(alloc, peerHost, peerPort, executor);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return delegate.sessionContext();
    }
}
