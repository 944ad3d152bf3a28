package dev.relaysim.relay.gateway.tls;

import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Real TLS handshakes on loopback between the gateway's server context and {@link SslContexts} clients. */
@Timeout(30)
class TlsHandshakeTest {

    private static final long HANDSHAKE_SECONDS = 10;

    private static EventLoopGroup group;
    private static DevCertificateAuthority authority;
    private static Channel server;
    /** Handshakes as the server saw them: the SNI names requested, or the failure. */
    private static final BlockingQueue<ServerSide> serverHandshakes = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startServer(@TempDir Path directory) throws Exception {
        group = EventLoops.newGroup("tls-test", 2);
        authority = DevCertificateAuthority.loadOrCreate(directory, List.of("localhost"), List.of("127.0.0.1"));
        SslContext serverContext = authority.newServerSslContext();
        server = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannelType())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(HandlerNames.TLS, serverContext.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ServerRecorder());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void localhostVerifies() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificatePem()), "localhost", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(client.ssl().engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(client.ssl().engine().getSession().getPeerCertificates()[0])
                .isEqualTo(authority.serverCertificate());
        assertThat(client.ssl().applicationProtocol()).as("no ALPN").isNull();
        assertThat(serverSideOf(client).requestedNames()).as("the JDK sends no SNI for a name without a dot").isEmpty();
    }

    @Test
    void localhostSniIsServedTheCertificate() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificatePem()), "localhost",
                engine -> requestServerName(engine, "localhost"));

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(serverSideOf(client).requestedNames()).as("as Node sends it")
                .containsExactly(new SNIHostName("localhost"));
    }

    @Test
    void ipLiteralVerifiesWithoutSni() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), "127.0.0.1", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(serverSideOf(client).requestedNames()).as("the JDK sends no SNI for an IP literal").isEmpty();
    }

    @Test
    void ipLiteralSniIsServedTheCertificate() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), "127.0.0.1",
                engine -> requestServerName(engine, "127.0.0.1"));

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(serverSideOf(client).requestedNames()).containsExactly(new SNIHostName("127.0.0.1"));
    }

    @Test
    void unknownSniIsServedTheCertificate() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), "localhost",
                engine -> requestServerName(engine, "unknown.example"));

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(client.ssl().engine().getSession().getPeerCertificates()[0])
                .isEqualTo(authority.serverCertificate());
        assertThat(serverSideOf(client).requestedNames()).containsExactly(new SNIHostName("unknown.example"));
    }

    @Test
    void tls12IsAccepted() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), "localhost",
                engine -> engine.setEnabledProtocols(new String[] {"TLSv1.2"}));

        assertThat(client.ssl().handshakeFuture().cause()).isNull();
        assertThat(client.ssl().engine().getSession().getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void nameNotInTheSansFailsHostNameVerification() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificatePem()), "relay.example", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause())
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("No subject alternative DNS name matching relay.example");
    }

    @Test
    void addressNotInTheSansFailsHostNameVerification() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), "127.0.0.2", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause())
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.2");
    }

    @Test
    void handlerWithoutAHostFailsVerification() throws Exception {
        Client client = handshake(SslContexts.forClient(authority.caCertificate()), null, engine -> { });

        assertThat(client.ssl().handshakeFuture().cause()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void anotherCaIsNotTrusted(@TempDir Path otherDirectory) throws Exception {
        DevCertificateAuthority other = DevCertificateAuthority.loadOrCreate(otherDirectory, List.of("localhost"),
                List.of());

        Client client = handshake(SslContexts.forClient(other.caCertificatePem()), "localhost", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause())
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("unable to find valid certification path");
    }

    @Test
    void systemTrustDoesNotTrustTheDevelopmentCa() throws Exception {
        Client client = handshake(SslContexts.forClientWithSystemTrust(), "localhost", engine -> { });

        assertThat(client.ssl().handshakeFuture().cause()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void clientContextsVerifyHostNames() throws Exception {
        SslContext context = SslContexts.forClient(authority.caCertificate());
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);

        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(engine.getUseClientMode()).isTrue();
        // Netty's BoringSSL engine (clientContextsRunOnBoringSsl) always lists the pseudo-protocol SSLv2Hello;
        // BoringSSL has no SSL 2 to send it.
        assertThat(List.of(engine.getEnabledProtocols())).containsExactlyInAnyOrder("SSLv2Hello", "TLSv1.3", "TLSv1.2");
    }

    @Test
    void clientContextsRunOnBoringSsl() {
        // This module has netty-tcnative, so every handshake here is a BoringSSL client's against the gateway's.
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads").isTrue();
        assertThat(SslContexts.provider()).isEqualTo(SslProvider.OPENSSL);
        assertThat(SslContexts.forClient(authority.caCertificate())).isInstanceOf(OpenSslContext.class);
        assertThat(SslContexts.forClientWithSystemTrust()).isInstanceOf(OpenSslContext.class);
    }

    private static void requestServerName(SSLEngine engine, String name) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        engine.setSSLParameters(parameters);
    }

    /** Connects to the server, runs the client handshake to its end and returns the client's handler. */
    private static Client handshake(SslContext context, String host, Consumer<SSLEngine> customizer)
            throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        SslHandler[] handler = new SslHandler[1];
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannelType())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = host == null ? context.newHandler(ch.alloc()) : context.newHandler(ch.alloc(),
                                host, port);
                        customizer.accept(ssl.engine());
                        handler[0] = ssl;
                        ch.pipeline().addLast(HandlerNames.TLS, ssl);
                        ch.pipeline().addLast(new ClosingErrorHandler());
                    }
                })
                .connect(server.localAddress()).sync().channel();
        try {
            assertThat(handler[0].handshakeFuture().await(HANDSHAKE_SECONDS, TimeUnit.SECONDS)).isTrue();
            return new Client(handler[0], ((InetSocketAddress) channel.localAddress()).getPort());
        } finally {
            channel.close().sync();
        }
    }

    /** The server's view of the client's handshake; handshakes of earlier tests may still be queued, so skip them. */
    private static ServerSide serverSideOf(Client client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDSHAKE_SECONDS);
        while (true) {
            ServerSide side = serverHandshakes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(side).as("server handshake of client port " + client.port()).isNotNull();
            if (side.clientPort() == client.port()) {
                assertThat(side.cause()).isNull();
                return side;
            }
        }
    }

    private record Client(SslHandler ssl, int port) {
    }

    private record ServerSide(int clientPort, List<SNIServerName> requestedNames, Throwable cause) {
    }

    private static final class ServerRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                int clientPort = ((InetSocketAddress) ctx.channel().remoteAddress()).getPort();
                if (completion.isSuccess()) {
                    SslHandler ssl = (SslHandler) ctx.pipeline().get(HandlerNames.TLS);
                    ExtendedSSLSession session = (ExtendedSSLSession) ssl.engine().getSession();
                    serverHandshakes.add(new ServerSide(clientPort, List.copyOf(session.getRequestedServerNames()),
                            null));
                } else {
                    serverHandshakes.add(new ServerSide(clientPort, List.of(), completion.cause()));
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Handshake failures are asserted through the handshake future; close instead of logging at the tail. */
    private static final class ClosingErrorHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
