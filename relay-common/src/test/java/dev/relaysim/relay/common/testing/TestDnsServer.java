package dev.relaysim.relay.common.testing;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * A tiny UDP DNS server for client tests: a function of (query name, querier address) gives the answer records, or
 * {@code null} for NXDOMAIN. It records who asked, so tests can check that queries left from the source address.
 */
public final class TestDnsServer implements AutoCloseable {

    private static final int TTL = 10;
    private static final int MAX_PACKET = 512;

    private final BiFunction<Name, InetAddress, List<Record>> zone;
    private final DatagramSocket socket;
    private final Thread thread;
    private final Queue<InetAddress> queriers = new ConcurrentLinkedQueue<>();

    /** Starts answering on 127.0.0.1 and an ephemeral port. */
    public TestDnsServer(BiFunction<Name, InetAddress, List<Record>> zone) {
        this.zone = requireNonNull(zone, "zone");
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::serve, "test-dns-server");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Records for a chain: every name but the last is a CNAME to the next, the last has an A record.
     *
     * @param namesThenAddress host names (without trailing dots), then the IPv4 address
     */
    public static List<Record> chain(String... namesThenAddress) {
        List<Record> records = new ArrayList<>();
        try {
            for (int i = 0; i < namesThenAddress.length - 2; i++) {
                records.add(new CNAMERecord(name(namesThenAddress[i]), DClass.IN, TTL, name(namesThenAddress[i + 1])));
            }
            Name last = name(namesThenAddress[namesThenAddress.length - 2]);
            records.add(new ARecord(last, DClass.IN, TTL,
                    InetAddress.getByName(namesThenAddress[namesThenAddress.length - 1])));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    public static Name name(String host) {
        try {
            return Name.fromString(host.endsWith(".") ? host : host + '.');
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Where it answers. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** {@code 127.0.0.1:port}, as {@code --dns} takes it. */
    public String hostPort() {
        return address().getAddress().getHostAddress() + ':' + address().getPort();
    }

    /** The source addresses of the queries so far. */
    public List<InetAddress> queriers() {
        return List.copyOf(queriers);
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }

    private void serve() {
        byte[] buffer = new byte[MAX_PACKET];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                queriers.add(packet.getAddress());
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] response = answer(query, packet.getAddress()).toWire(MAX_PACKET);
                socket.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private Message answer(Message query, InetAddress querier) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        List<Record> records = zone.apply(question.getName(), querier);
        if (records == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : records) {
            if (question.getType() == Type.A || record.getType() == Type.CNAME) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        return response;
    }
}
