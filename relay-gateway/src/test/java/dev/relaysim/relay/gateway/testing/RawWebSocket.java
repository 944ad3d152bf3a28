package dev.relaysim.relay.gateway.testing;

import dev.relaysim.relay.common.websocket.WebSocketOpcodes;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that writes whatever frames a test asks for, valid or not (unmasked, reserved
 * opcodes, RSV bits, oversized, fragmented anyhow), and reads the server's frames as they are, so that tests can
 * check the exact close code the gateway answers a protocol violation with; {@link #reset()} kills it the way a
 * crashed peer goes. Writes may come from any thread; reads belong to one.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int CONTINUATION = WebSocketOpcodes.CONTINUATION;
    public static final int TEXT = WebSocketOpcodes.TEXT;
    public static final int BINARY = WebSocketOpcodes.BINARY;
    public static final int CLOSE = WebSocketOpcodes.CLOSE;
    public static final int PING = WebSocketOpcodes.PING;
    public static final int PONG = WebSocketOpcodes.PONG;

    /** A frame as read from the server. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

        /** The status code of a close frame, or -1 if it has none. */
        public int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
        }

        /** The reason of a close frame, or "". */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[fin=" + fin + ", rsv=" + rsv + ", opcode=" + opcode + ", " + payload.length + " bytes"
                    + (opcode == CLOSE ? ", close " + closeCode() + " '" + closeReason() + "'" : "") + ']';
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> headers;

    private RawWebSocket(Socket socket, int status, Map<String, String> headers) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        this.headers = headers;
    }

    /**
     * Connects to 127.0.0.1:{@code port}, sends {@code request} (see {@link RawHttp#upgradeRequest}) and reads the
     * response head byte by byte, so that no frame that follows it is consumed. Reads time out after 30 s.
     */
    public static RawWebSocket open(int port, String request) throws IOException {
        return open("127.0.0.1", port, request);
    }

    private static RawWebSocket open(String host, int port, String request) throws IOException {
        Socket socket = new Socket(host, port);
        try {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String head = readHead(socket.getInputStream());
            String[] lines = head.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            return new RawWebSocket(socket, Integer.parseInt(lines[0].split(" ", 3)[1]), headers);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to {@code ws://host:port/path?query} of {@code uri} and completes the upgrade, sending
     * {@code extraHeaders} ({@code "Name: value"}).
     *
     * @throws IOException naming the status when the upgrade is refused
     */
    public static RawWebSocket open(URI uri, String... extraHeaders) throws IOException {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : '?' + uri.getRawQuery());
        RawWebSocket webSocket = open(uri.getHost(), uri.getPort(), RawHttp.upgradeRequest(target,
                uri.getHost() + ':' + uri.getPort(), extraHeaders));
        if (webSocket.status() != 101) {
            webSocket.close();
            throw new IOException("upgrade to " + uri + " refused with " + webSocket.status());
        }
        return webSocket;
    }

    public Socket socket() {
        return socket;
    }

    /** Writes one masked binary frame with FIN set. */
    public void sendBinary(byte[] payload) throws IOException {
        send(BINARY, payload);
    }

    /** Kills the connection as a crashed process would: a TCP reset, no close frame. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** The response's status code: 101 if the upgrade succeeded. */
    public int status() {
        return status;
    }

    /** The response's headers, names lower case. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Writes one masked frame with FIN set and no RSV bits. */
    public void send(int opcode, byte[] payload) throws IOException {
        send(true, 0, opcode, true, payload);
    }

    /** Writes one frame exactly as described; {@code rsv} is the three RSV bits (0-7). */
    public synchronized void send(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) throws IOException {
        out.write(frame(fin, rsv, opcode, masked, payload));
        out.flush();
    }

    /**
     * Writes only the head of a masked final frame announcing {@code length} payload bytes (none follow), to see
     * the server refuse a frame by its announced size before any of it arrives.
     */
    public void sendHead(int opcode, long length) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(14);
        head.write(0x80 | opcode & 0xF);
        writeLength(head, 0x80, length);
        head.writeBytes(new byte[] {1, 2, 3, 4});
        sendRaw(head.toByteArray());
    }

    /** Writes bytes as they are. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A close frame's payload: {@code code} (two bytes) and {@code reason}. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    }

    /** The bytes of one frame; a masked frame gets a random key. */
    public static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0xF);
        writeLength(frame, masked ? 0x80 : 0, payload.length);
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        frame.writeBytes(key);
        byte[] maskedPayload = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            maskedPayload[i] = (byte) (payload[i] ^ key[i & 3]);
        }
        frame.writeBytes(maskedPayload);
        return frame.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream frame, int mask, long length) {
        if (length < 126) {
            frame.write(mask | (int) length);
        } else if (length <= 0xFFFF) {
            frame.write(mask | 126);
            frame.write((int) (length >>> 8));
            frame.write((int) (length & 0xFF));
        } else {
            frame.write(mask | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
        }
    }

    /** Reads the next frame from the server. */
    public Frame read() throws IOException {
        int first = readByte();
        int second = readByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = readByte() << 8 | readByte();
        } else if (length == 127) {
            length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] key = (second & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes(Math.toIntExact(length));
        if (payload.length != length) {
            throw new EOFException("connection closed inside a frame");
        }
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((first & 0x80) != 0, first >>> 4 & 7, first & 0xF, key != null, payload);
    }

    /** Reads frames until a close frame and returns it; fails if the connection ends first. */
    public Frame readClose() throws IOException {
        for (Frame frame = read(); ; frame = read()) {
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    /**
     * Reads until the server closes the connection (end of stream or reset) and returns the bytes that came before;
     * fails if the connection is still open after the read timeout.
     */
    public byte[] readToEnd() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                rest.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within the read timeout", e);
        } catch (SocketException e) {
            // a reset ends the connection too
        }
        return rest.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed before the response head ended: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
    }
}
