package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SwappableSslContext} hands out handlers of its current delegate, and the delegate's own handlers: on
 * BoringSSL those unwrap all the records at hand in one go, where a handler built around a {@code newEngine} engine
 * unwraps (and fires) one record at a time.
 */
@Timeout(30)
class SwappableSslContextTest {

    private static final int RECORDS = 4;
    private static final int RECORD_PLAINTEXT = 16 * 1024;

    @TempDir
    Path directory;

    @Test
    void handlersDecryptLikeTheDelegatesOwn() throws Exception {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads in relay-gateway").isTrue();
        DevCertificateAuthority authority = authority("ca");
        SslContext server = authority.newServerSslContext();
        SslContext client = SslContexts.forClient(authority.caCertificate());

        int delegateReads = plaintextReads(client, server.newHandler(ByteBufAllocator.DEFAULT));
        SwappableSslContext swappable = new SwappableSslContext(server);
        int swappableReads = plaintextReads(client, swappable.newHandler(ByteBufAllocator.DEFAULT));

        assertThat(delegateReads).isLessThan(RECORDS);
        assertThat(swappableReads).isEqualTo(delegateReads);
    }

    @Test
    void newHandlersComeFromTheContextSwappedIn() throws Exception {
        DevCertificateAuthority first = authority("first");
        DevCertificateAuthority second = authority("second");
        SwappableSslContext swappable = new SwappableSslContext(first.newServerSslContext());
        SslContext trustingSecond = SslContexts.forClient(second.caCertificate());

        SslHandler refused = clientHandler(trustingSecond);
        close(handshake(refused, swappable.newHandler(ByteBufAllocator.DEFAULT)));
        assertThat(refused.handshakeFuture().cause()).as("the first CA's certificate").isNotNull();

        swappable.swap(second.newServerSslContext());
        SslHandler accepted = clientHandler(trustingSecond);
        close(handshake(accepted, swappable.newHandler(ByteBufAllocator.DEFAULT)));
        assertThat(accepted.handshakeFuture().isSuccess()).as("the second CA's certificate").isTrue();
    }

    private DevCertificateAuthority authority(String name) throws Exception {
        return DevCertificateAuthority.loadOrCreate(directory.resolve(name), List.of("localhost"),
                List.of("127.0.0.1"));
    }

    /** Sends {@link #RECORDS} full TLS records to {@code serverHandler} at once; returns how many reads it fired. */
    private static int plaintextReads(SslContext client, SslHandler serverHandler) {
        SslHandler clientHandler = clientHandler(client);
        EmbeddedChannel[] channels = handshake(clientHandler, serverHandler);
        EmbeddedChannel clientChannel = channels[0];
        EmbeddedChannel serverChannel = channels[1];
        assertThat(clientHandler.handshakeFuture().isSuccess()).isTrue();
        for (int i = 0; i < RECORDS; i++) {
            clientChannel.write(Unpooled.wrappedBuffer(new byte[RECORD_PLAINTEXT]));
        }
        clientChannel.flush();
        CompositeByteBuf records = Unpooled.compositeBuffer();
        for (ByteBuf out; (out = clientChannel.readOutbound()) != null; ) {
            records.addComponent(true, out);
        }
        serverChannel.writeInbound(Unpooled.copiedBuffer(records));
        records.release();
        int reads = 0;
        int bytes = 0;
        for (ByteBuf in; (in = serverChannel.readInbound()) != null; in.release()) {
            reads++;
            bytes += in.readableBytes();
        }
        assertThat(bytes).isEqualTo(RECORDS * RECORD_PLAINTEXT);
        close(channels);
        return reads;
    }

    private static SslHandler clientHandler(SslContext client) {
        return SslContexts.newClientHandler(client, ByteBufAllocator.DEFAULT, "localhost", 443, Duration.ofSeconds(10));
    }

    /** Runs a TLS handshake between the two handlers, in memory, until neither has anything more to send. */
    private static EmbeddedChannel[] handshake(SslHandler clientHandler, SslHandler serverHandler) {
        EmbeddedChannel serverChannel = new EmbeddedChannel(serverHandler);
        EmbeddedChannel clientChannel = new EmbeddedChannel(clientHandler);
        boolean moved = true;
        while (moved) {
            moved = shuttle(clientChannel, serverChannel) | shuttle(serverChannel, clientChannel);
        }
        return new EmbeddedChannel[] {clientChannel, serverChannel};
    }

    private static boolean shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf out; (out = from.readOutbound()) != null; ) {
            moved = true;
            if (!to.isOpen()) {
                out.release();
                continue;
            }
            to.writeOneInbound(out);
            if (to.isOpen()) {
                to.flushInbound();
            }
        }
        return moved;
    }

    private static void close(EmbeddedChannel[] channels) {
        // Not finish(): it rethrows what the pipeline failed with, such as a refused handshake.
        for (EmbeddedChannel channel : channels) {
            channel.close();
            channel.releaseInbound();
            channel.releaseOutbound();
        }
    }
}
