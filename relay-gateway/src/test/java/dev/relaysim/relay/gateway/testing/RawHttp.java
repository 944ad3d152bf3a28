package dev.relaysim.relay.gateway.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a hand-written HTTP/1.1 request over a plain or TLS socket and reads the response head and body, so that
 * tests can see what the JDK clients hide: reason phrases and error bodies.
 */
public final class RawHttp {

    /** A response: status code, reason phrase, headers (names lower case) and body. */
    public record Response(int status, String reason, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    /** A WebSocket upgrade request for {@code target} with {@code extraHeaders} (each {@code "Name: value"}). */
    public static String upgradeRequest(String target, String host, String... extraHeaders) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** Sends {@code request} to 127.0.0.1:{@code port} and reads the response until the server closes. */
    public static Response exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return exchange(socket, request);
        }
    }

    /** Like {@link #exchange(int, String)} over TLS to localhost, trusting {@code sslContext}. */
    public static Response exchangeTls(SSLContext sslContext, int port, String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket("localhost", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return exchange(socket, request);
        }
    }

    /** Sends {@code request} on a connected socket and reads the response until the server closes. */
    public static Response exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read(socket.getInputStream());
    }

    /** Reads one response whose connection the server closes after it. */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            all.write(buffer, 0, n);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IOException("no complete response head in: " + text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
                    .strip());
        }
        return new Response(Integer.parseInt(statusLine[1]), statusLine.length > 2 ? statusLine[2] : "", headers,
                text.substring(headEnd + 4));
    }
}
