package dev.relaysim.relay.gateway.internal.relay;

import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.gateway.testing.WsPeer;
import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay pair over real loopback sockets: a {@link RelayTestServer} with two worker loops (so the listener is
 * moved to the sender's loop), JDK and Netty WebSocket clients on both sides.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayPairLoopbackTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(30);
    private static final RelaySettings SETTINGS = new RelaySettings(64 * KIB, 16 * MIB, Duration.ofSeconds(5));
    private static final List<Integer> SIZES =
            List.of(1, 125, 126, 65_535, 65_536, 65_537, 200 * KIB + 3, MIB, 8 * MIB);
    /** Smaller over TLS: paranoid leak detection records every buffer access, which makes TLS records slow. */
    private static final List<Integer> TLS_SIZES = List.of(1, 65_536, 65_537, 200 * KIB + 3, 2 * MIB);

    @TempDir
    static Path certificates;

    private static EventLoopGroup boss;
    private static EventLoopGroup workers;
    private static EventLoopGroup clients;
    private static SslContext serverSsl;
    private static SslContext clientSsl;

    @BeforeAll
    static void startGroups() throws Exception {
        boss = EventLoops.newGroup("test-boss", 1);
        workers = EventLoops.newGroup("test-relay", 2);
        clients = EventLoops.newGroup("test-client", 2);
        DevCertificateAuthority authority =
                DevCertificateAuthority.loadOrCreate(certificates, List.of("localhost"), List.of("127.0.0.1"));
        serverSsl = authority.newServerSslContext();
        clientSsl = SslContexts.forClient(authority.caCertificate());
    }

    @AfterAll
    static void stopGroups() {
        for (EventLoopGroup group : new EventLoopGroup[] {clients, workers, boss}) {
            if (group != null) {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    @Test
    void relaysMessagesByteExactBetweenJdkClients() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (RelayTestServer server = RelayTestServer.start(boss, workers, null, SETTINGS)) {
            WsPeer listener = WsPeer.connect(http, server.uri("listener"), Map.of()).get(10, TimeUnit.SECONDS);
            WsPeer sender = WsPeer.connect(http, server.uri("sender"), Map.of()).get(10, TimeUnit.SECONDS);
            RelayPair pair = server.pair().get(10, TimeUnit.SECONDS);
            assertMovedToTheSendersLoop(server);

            for (int size : SIZES) {
                byte[] request = randomBytes(size, size);
                sender.sendBinary(request).get(10, TimeUnit.SECONDS);
                assertThat(listener.next(MESSAGE_TIMEOUT)).satisfies(message -> {
                    assertThat(message.text()).isFalse();
                    assertThat(message.data()).as("%d bytes to the listener", size).isEqualTo(request);
                });
                byte[] response = randomBytes(size, -size);
                listener.sendBinary(response).get(10, TimeUnit.SECONDS);
                assertThat(sender.next(MESSAGE_TIMEOUT).data()).as("%d bytes to the sender", size).isEqualTo(response);
            }
            // Text split at 64 KiB boundaries that fall inside multi-byte characters.
            String text = "aé€😀".repeat(20_000);
            sender.sendText(text).get(10, TimeUnit.SECONDS);
            WsPeer.Message message = listener.next(MESSAGE_TIMEOUT);
            assertThat(message.text()).isTrue();
            assertThat(message.asText()).isEqualTo(text);

            // Half-close: the sender shuts down; the listener still sends before answering with its close frame.
            byte[] last = randomBytes(100 * KIB, 7);
            listener.onCloseReceived(webSocket -> webSocket.sendBinary(ByteBuffer.wrap(last), true));
            sender.sendClose(1000, "Shutdown").get(10, TimeUnit.SECONDS);
            assertThat(listener.closed().get(30, TimeUnit.SECONDS)).isEqualTo(new WsPeer.Close(1000, "Shutdown"));
            assertThat(sender.next(MESSAGE_TIMEOUT).data()).isEqualTo(last);
            assertThat(sender.closed().get(30, TimeUnit.SECONDS).code()).isEqualTo(1000);
            assertThat(pair.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.senderChannel().isOpen()).isFalse();
            assertThat(server.listenerChannel().isOpen()).isFalse();
        }
    }

    @Test
    void relaysOverTlsFragmentingTowardBothLegs() throws Exception {
        try (RelayTestServer server = RelayTestServer.start(boss, workers, serverSsl, SETTINGS);
             TestWebSocketClient listener = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("listener"), clientSsl, true);
             TestWebSocketClient sender = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("sender"), clientSsl, true)) {
            RelayPair pair = server.pair().get(10, TimeUnit.SECONDS);
            assertMovedToTheSendersLoop(server);
            assertThat(server.listenerChannel().pipeline().get(SslHandler.class)).isNotNull();

            for (int size : TLS_SIZES) {
                byte[] request = randomBytes(size, size);
                sender.sendBinary(request);
                TestWebSocketClient.Message relayed = listener.nextMessage();
                assertThat(relayed.payload()).as("%d bytes to the listener", size).isEqualTo(request);
                assertThat(relayed.largestFragment()).isLessThanOrEqualTo(64 * KIB);
                assertThat(relayed.fragments()).isEqualTo(Math.max(1, (size + 64 * KIB - 1) / (64 * KIB)));

                byte[] response = randomBytes(size, -size);
                listener.sendBinary(response);
                TestWebSocketClient.Message back = sender.nextMessage();
                assertThat(back.payload()).as("%d bytes to the sender", size).isEqualTo(response);
                assertThat(back.largestFragment()).isLessThanOrEqualTo(64 * KIB);
                assertThat(back.fragments()).isEqualTo(Math.max(1, (size + 64 * KIB - 1) / (64 * KIB)));
            }
            byte[] text = "héllo wörld".repeat(10_000).getBytes(StandardCharsets.UTF_8);
            sender.sendText(text);
            TestWebSocketClient.Message relayedText = listener.nextMessage();
            assertThat(relayedText.text()).isTrue();
            assertThat(relayedText.payload()).isEqualTo(text);

            listener.sendClose(1001, "Going away");
            assertThat(sender.nextClose()).isEqualTo(new TestWebSocketClient.Close(1001, "Going away"));
            sender.sendClose(1001, "");
            assertThat(listener.nextClose()).isEqualTo(new TestWebSocketClient.Close(1001, ""));
            assertThat(pair.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(listener.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sender.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void listenerDropClosesTheSenderWith1011() throws Exception {
        try (RelayTestServer server = RelayTestServer.start(boss, workers, null, SETTINGS);
             TestWebSocketClient listener = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("listener"), null, true);
             TestWebSocketClient sender = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("sender"), null, true)) {
            RelayPair pair = server.pair().get(10, TimeUnit.SECONDS);
            sender.sendBinary(new byte[] {1, 2, 3});
            assertThat(listener.nextMessage().payload()).containsExactly(1, 2, 3);

            listener.channel().close().syncUninterruptibly();
            assertThat(sender.nextClose()).isEqualTo(new TestWebSocketClient.Close(1011, RelayPair.PEER_LOST_REASON));
            assertThat(sender.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pair.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void joinsChannelsAlreadyOnOneLoop() throws Exception {
        EventLoopGroup single = EventLoops.newGroup("test-single", 1);
        try (RelayTestServer server = RelayTestServer.start(boss, single, null, SETTINGS);
             TestWebSocketClient listener = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("listener"), null, true);
             TestWebSocketClient sender = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("sender"), null, true)) {
            RelayPair pair = server.pair().get(10, TimeUnit.SECONDS);
            assertThat(server.listenerChannel().eventLoop()).isSameAs(server.acceptedOn(server.listenerChannel()));

            byte[] request = randomBytes(200 * KIB, 1);
            sender.sendBinary(request);
            assertThat(listener.nextMessage().payload()).isEqualTo(request);
            byte[] response = randomBytes(300 * KIB, 2);
            listener.sendBinary(response);
            assertThat(sender.nextMessage().payload()).isEqualTo(response);

            sender.sendClose(1000, "Shutdown");
            assertThat(listener.nextClose()).isEqualTo(new TestWebSocketClient.Close(1000, "Shutdown"));
            listener.sendClose(1000, "");
            assertThat(sender.nextClose()).isEqualTo(new TestWebSocketClient.Close(1000, ""));
            assertThat(pair.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            single.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void listenerGoneBeforeTheJoinClosesTheSenderWith1011() throws Exception {
        try (RelayTestServer server = RelayTestServer.start(boss, workers, null, SETTINGS)) {
            TestWebSocketClient listener = TestWebSocketClient.connect(
                    clients, server.address(), server.uri("listener"), null, true);
            server.listenerChannel();
            listener.close();
            try (TestWebSocketClient sender = TestWebSocketClient.connect(
                    clients, server.address(), server.uri("sender"), null, true)) {
                assertThat(sender.nextClose())
                        .isEqualTo(new TestWebSocketClient.Close(1011, RelayPair.PEER_LOST_REASON));
                assertThat(sender.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void backPressuresTheSenderWhileTheListenerDoesNotRead() throws Exception {
        long total = 4L * MIB;
        int chunk = 96 * KIB;
        try (RelayTestServer server = RelayTestServer.start(boss, workers, serverSsl, SETTINGS);
             TestWebSocketClient listener = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("listener"), clientSsl, false);
             TestWebSocketClient sender = TestWebSocketClient.connect(
                     clients, server.address(), server.uri("sender"), clientSsl, false)) {
            // On the channel's loop: the native transport lets a read already requested happen after an auto-read
            // change made from another thread.
            listener.channel().eventLoop().submit(() -> listener.channel().config().setAutoRead(false)).sync();
            server.pair().get(10, TimeUnit.SECONDS);
            assertMovedToTheSendersLoop(server);
            Channel toListener = server.listenerChannel();
            Channel toSender = server.senderChannel();

            Pump pump = new Pump(sender.channel(), total, chunk);
            sender.channel().pipeline().addLast(pump);
            sender.channel().eventLoop().execute(pump::pump);

            // The gateway never holds more than the high water mark plus one frame (and its split) for the listener.
            long bound = RelayPair.WRITE_BUFFER_WATER_MARK.high() + 2L * chunk;
            AtomicLong largestPending = new AtomicLong();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).during(Duration.ofSeconds(1))
                    .until(() -> {
                        largestPending.accumulateAndGet(pendingBytes(toListener) + pendingBytes(toSender), Math::max);
                        return !sender.channel().isWritable() && !toListener.isWritable()
                                && !toSender.config().isAutoRead();
                    });
            assertThat(pump.sent()).as("bytes the sender could write").isLessThan(total / 2);
            assertThat(largestPending.get()).as("bytes the gateway holds").isLessThanOrEqualTo(bound);
            assertThat(listener.bytesReceived()).isZero();

            listener.channel().config().setAutoRead(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> listener.bytesReceived() == total);
            assertThat(listener.checksum()).isEqualTo(pump.checksum());
        }
    }

    private static long pendingBytes(Channel channel) {
        return channel.isOpen() ? channel.unsafe().outboundBuffer().totalPendingWriteBytes() : 0;
    }

    private static void assertMovedToTheSendersLoop(RelayTestServer server) {
        Channel senderChannel = server.senderChannel();
        Channel listenerChannel = server.listenerChannel();
        assertThat(server.acceptedOn(listenerChannel)).as("accepted on different loops")
                .isNotSameAs(server.acceptedOn(senderChannel));
        assertThat(listenerChannel.eventLoop()).isSameAs(senderChannel.eventLoop());
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code total} bytes in binary frames while the channel is writable, on the channel's loop. */
    private static final class Pump extends ChannelInboundHandlerAdapter {

        private final Channel channel;
        private final long total;
        private final int chunk;
        private final Random random = new Random(42);
        private final CRC32 crc = new CRC32();
        private final AtomicLong sent = new AtomicLong();

        Pump(Channel channel, long total, int chunk) {
            this.channel = channel;
            this.total = total;
            this.chunk = chunk;
        }

        void pump() {
            while (channel.isWritable() && sent.get() < total) {
                byte[] bytes = new byte[(int) Math.min(chunk, total - sent.get())];
                random.nextBytes(bytes);
                crc.update(bytes);
                sent.addAndGet(bytes.length);
                channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump();
            ctx.fireChannelWritabilityChanged();
        }

        long sent() {
            return sent.get();
        }

        long checksum() {
            return channel.eventLoop().submit(crc::getValue).syncUninterruptibly().getNow();
        }
    }
}
