package dev.relaysim.relay.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A server {@link SslContext} whose certificate can be replaced while channel initializers hold it: every new
 * connection gets an engine of the current delegate, open ones keep theirs. The gateway swaps in a context with a
 * reissued certificate when a namespace or private endpoint address is added, without rebinding its ports.
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
    public SSLSessionContext sessionContext() {
        return delegate.sessionContext();
    }
}
