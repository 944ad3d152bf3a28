package dev.relaysim.relay.gateway.internal.dns;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.gateway.config.ConfigLoader;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.internal.metrics.NoopGatewayMetrics;
import dev.relaysim.relay.gateway.internal.channel.ErrorHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the DNS responder with random bytes and mutated valid queries: {@link DnsAnswerer} answers (with a
 * response of the query's id, QR set and a known rcode, FORMERR for what does not parse) or drops (shorter than a
 * header, or a response), never throws and never hits its "could not be answered" path; the UDP and TCP pipelines of
 * {@link DnsServer}, run on EmbeddedChannels, release every buffer and write exactly the answers the answerer gives
 * (a TCP query that is dropped closes the connection), with no warning logged by the responder or the pipeline's
 * error handler.
 */
@Tag("fuzz")
class DnsFuzzTest {

    private static final GatewayConfig CONFIG = ConfigLoader.defaults();
    private static final InetSocketAddress SERVER = new InetSocketAddress(address("127.0.0.1"), 1053);
    private static final List<InetAddress> SOURCES = List.of(address("127.10.0.5"), address("127.11.3.7"),
            address("127.0.0.1"), address("127.10.0.4"));
    private static final Set<Integer> RCODES = Set.of(Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.FORMERR, Rcode.REFUSED,
            Rcode.NOTIMP);
    private static final List<byte[]> VALID = validQueries();

    private final DnsAnswerer answerer = new DnsAnswerer(CONFIG.namespaces(), CONFIG::networkModel,
            (Inet4Address) address("127.0.0.1"), () -> CONFIG.dns().faults());
    private final DnsServer server = new DnsServer(answerer, NoopGatewayMetrics.INSTANCE,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    private static final List<Logger> LOGGERS = List.of((Logger) LoggerFactory.getLogger(DnsAnswerer.class),
            (Logger) LoggerFactory.getLogger(DnsServer.class), (Logger) LoggerFactory.getLogger(ErrorHandler.class));
    private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();

    @Test
    void theAnswererAnswersOrDropsAnyPacket() {
        Fuzz.check(datagrams(), datagram -> answersOrDrops(datagram.packet(), datagram.source()));
    }

    @Test
    void theUdpPipelineWritesOneAnswerPerAnsweredDatagramAndReleasesEverything() {
        Fuzz.check(datagrams(), datagram -> udpPipelineAnswers(datagram.packet(), datagram.source()));
    }

    @Test
    void theTcpPipelineAnswersFrameByFrameClosesOnADroppedQueryAndReleasesEverything() {
        Gen<InetAddress> sources = Gen.elements(SOURCES);
        Fuzz.check(random -> new TcpStream(tcpStream(random), sources.next(random), random.nextLong()),
                stream -> tcpPipelineAnswers(stream.bytes(), stream.source(), new Random(stream.chunkSeed())));
    }

    private void answersOrDrops(byte[] packet, InetAddress source) throws IOException {
        Optional<DnsAnswerer.Answer> answer = answerer.answer(packet, source);
        assertNoWarnings();
        if (answer.isEmpty()) {
            assertThat(packet.length < 12 || (packet[2] & 0x80) != 0).as("dropped %s", Arrays.toString(packet))
                    .isTrue();
            return;
        }
        Message response = answer.get().response();
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(response.getHeader().getID()).isEqualTo((packet[0] & 0xff) << 8 | packet[1] & 0xff);
        assertThat(response.getRcode()).isIn(RCODES);
        assertThat(response.toWire(512).length).isLessThanOrEqualTo(512);
        assertThat(new Message(response.toWire()).getHeader().getID()).isEqualTo(response.getHeader().getID());
    }

    private void udpPipelineAnswers(byte[] packet, InetAddress source) throws IOException {
        InetSocketAddress sender = new InetSocketAddress(source, 40000);
        boolean answered = answerer.answer(packet, source).isPresent();
        EmbeddedChannel channel = new EmbeddedChannel(server.new UdpInitializer());
        ByteBuf content = ByteBufAllocator.DEFAULT.buffer(packet.length).writeBytes(packet);
        channel.writeInbound(new DatagramPacket(content, SERVER, sender));
        assertThat(content.refCnt()).as("query buffer released").isZero();
        DatagramPacket out = channel.readOutbound();
        assertThat(out != null).as("answered").isEqualTo(answered);
        if (out != null) {
            try {
                assertThat(out.recipient()).isEqualTo(sender);
                Message response = new Message(bytes(out.content()));
                assertThat(out.content().readableBytes()).isLessThanOrEqualTo(
                        response.getOPT() != null ? DnsAnswerer.EDNS_PAYLOAD : 512);
                assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
            } finally {
                out.release();
            }
        }
        channel.checkException();
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        assertNoWarnings();
    }

    /** Writes {@code stream} to a TCP pipeline in chunks of random size drawn from {@code random}. */
    private void tcpPipelineAnswers(byte[] stream, InetAddress source, Random random) throws IOException {
        // What the two-byte length prefix makes of the stream, and so what the answerer must be asked.
        int expectedAnswers = 0;
        boolean expectClose = false;
        for (int at = 0; at + 2 <= stream.length; ) {
            int length = (stream[at] & 0xff) << 8 | stream[at + 1] & 0xff;
            if (at + 2 + length > stream.length) {
                break;
            }
            if (answerer.answer(Arrays.copyOfRange(stream, at + 2, at + 2 + length), source).isEmpty()) {
                expectClose = true;
                break;
            }
            expectedAnswers++;
            at += 2 + length;
        }

        EmbeddedChannel channel = new TcpChannel(new InetSocketAddress(source, 40000));
        channel.pipeline().addLast(server.new TcpInitializer());
        List<ByteBuf> written = new ArrayList<>();
        for (int at = 0; at < stream.length && channel.isActive(); ) {
            int chunk = Math.min(stream.length - at, 1 + random.nextInt(Math.max(1, stream.length / 2)));
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(chunk).writeBytes(stream, at, chunk);
            written.add(buf);
            channel.writeInbound(buf);
            at += chunk;
        }
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            try {
                answers.write(bytes(buf));
            } finally {
                buf.release();
            }
        }
        byte[] answerStream = answers.toByteArray();
        int frames = 0;
        for (int at = 0; at < answerStream.length; frames++) {
            int length = (answerStream[at] & 0xff) << 8 | answerStream[at + 1] & 0xff;
            Message response = new Message(Arrays.copyOfRange(answerStream, at + 2, at + 2 + length));
            assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
            at += 2 + length;
        }
        assertThat(frames).isEqualTo(expectedAnswers);
        assertThat(channel.isActive()).as("open").isEqualTo(!expectClose);
        channel.checkException();
        channel.finishAndReleaseAll();
        assertThat(written).allSatisfy(buf -> assertThat(buf.refCnt()).as("inbound buffer released").isZero());
        assertNoWarnings();
    }

    /** A packet and where it comes from. */
    private record Datagram(byte[] packet, InetAddress source) {
        @Override
        public String toString() {
            return "Datagram[" + HexFormat.of().formatHex(packet) + " from " + source.getHostAddress() + "]";
        }
    }

    /** A TCP stream, where it comes from, and the seed of the chunk sizes it is written in. */
    private record TcpStream(byte[] bytes, InetAddress source, long chunkSeed) {
        @Override
        public String toString() {
            return "TcpStream[" + HexFormat.of().formatHex(bytes) + " from " + source.getHostAddress()
                    + ", chunk seed " + chunkSeed + "]";
        }
    }

    private static Gen<Datagram> datagrams() {
        Gen<InetAddress> sources = Gen.elements(SOURCES);
        return random -> new Datagram(packet(random), sources.next(random));
    }

    /** One to four packets, each behind its two-byte length, one in ten times a wrong one. */
    private static byte[] tcpStream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int frames = 1 + random.nextInt(4); frames > 0; frames--) {
            byte[] packet = packet(random);
            int lie = random.nextInt(20);
            int length = lie == 0 ? packet.length + 7 : lie == 1 ? Math.max(0, packet.length - 3) : packet.length;
            out.write(length >>> 8);
            out.write(length);
            out.writeBytes(packet);
        }
        return out.toByteArray();
    }

    /** Random bytes (2 in 9), a mutated valid query (6 in 9) or a valid one. */
    private static byte[] packet(Random random) {
        int kind = random.nextInt(9);
        if (kind < 2) {
            byte[] packet = new byte[random.nextInt(600)];
            random.nextBytes(packet);
            return packet;
        }
        byte[] valid = VALID.get(random.nextInt(VALID.size()));
        return kind < 8 ? BadPackets.next(random, valid, 1 + random.nextInt(2)) : valid;
    }

    /**
     * Collects the responder's log events, and keeps its per-query DEBUG lines out of the test output (a million
     * of them would slow the run to a crawl): only WARN and above matter here.
     */
    @BeforeAll
    static void collectWarnings() {
        WARNINGS.start();
        for (Logger logger : LOGGERS) {
            logger.setLevel(Level.INFO);
            logger.addAppender(WARNINGS);
        }
    }

    @AfterAll
    static void stopCollecting() {
        for (Logger logger : LOGGERS) {
            logger.detachAppender(WARNINGS);
            logger.setLevel(null);
        }
        WARNINGS.stop();
    }

    private static void assertNoWarnings() {
        List<ILoggingEvent> events = List.copyOf(WARNINGS.list);
        WARNINGS.list.clear();
        assertThat(events).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .as("warnings of the DNS responder").isEmpty();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    private static List<byte[]> validQueries() {
        List<byte[]> queries = new ArrayList<>();
        List<String> names = List.of("contoso.servicebus.windows.net.", "sandbox.servicebus.windows.net.",
                "contoso.privatelink.servicebus.windows.net.", DnsAnswerer.CLUSTER_HOST_NAME,
                "cloudapp.servicebus.windows.net.", "servicebus.windows.net.", "nope.servicebus.windows.net.",
                "example.com.", "CoNtOsO.ServiceBus.Windows.Net.");
        for (String name : names) {
            for (int type : List.of(Type.A, Type.AAAA, Type.CNAME, Type.ANY, Type.SOA, Type.NS, Type.TXT)) {
                Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
                queries.add(query.toWire());
                query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
                queries.add(query.toWire());
            }
        }
        Message notify = Message.newQuery(Record.newRecord(Name.fromConstantString(names.get(0)), Type.A, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        queries.add(notify.toWire());
        return queries;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** An EmbeddedChannel with a TCP peer's address, as the TCP handler reads it. */
    private static final class TcpChannel extends EmbeddedChannel {

        private final InetSocketAddress remote;

        TcpChannel(InetSocketAddress remote) {
            this.remote = remote;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return isActive() ? remote : null;
        }
    }
}
