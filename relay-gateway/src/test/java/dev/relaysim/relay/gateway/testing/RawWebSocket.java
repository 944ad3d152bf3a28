package dev.relaysim.relay.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client WebSocket on a plain {@link Socket}, so that a test can kill it the way a crashed peer goes: a reset
 * ({@code SO_LINGER} 0, then close) with no close frame. Frames are whole (FIN set, no fragments), masked as a
 * client must mask them.
 */
public final class RawWebSocket implements AutoCloseable {

    /** A frame received: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1 without one. */
        public int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
        }
    }

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Connects to {@code ws://host:port/path?query} of {@code uri} and completes the upgrade, sending
     * {@code extraHeaders} ({@code "Name: value"}); blocks until the response head arrives.
     *
     * @throws IOException with the response head when the status is not 101
     */
    public static RawWebSocket open(URI uri, String... extraHeaders) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        boolean opened = false;
        try {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : '?' + uri.getRawQuery());
            socket.getOutputStream().write(RawHttp.upgradeRequest(target, uri.getHost() + ':' + uri.getPort(),
                    extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
            RawWebSocket webSocket = new RawWebSocket(socket);
            String head = webSocket.readHead();
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade to " + uri + " refused: " + head);
            }
            opened = true;
            return webSocket;
        } finally {
            if (!opened) {
                socket.close();
            }
        }
    }

    public Socket socket() {
        return socket;
    }

    public void sendBinary(byte[] payload) throws IOException {
        send(BINARY, payload);
    }

    /** Sends one whole, masked frame. */
    public synchronized void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads the next frame (the server's frames are not masked and, in these tests, not fragmented). */
    public Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Kills the connection as a crashed process would: a TCP reset, no close frame. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
