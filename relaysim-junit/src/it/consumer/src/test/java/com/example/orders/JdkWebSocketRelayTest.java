package com.example.orders;

import dev.relaysim.junit.Relaysim;
import dev.relaysim.junit.RelaysimTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener and a sender written with nothing but the JDK's WebSocket client, as the Hybrid Connections protocol
 * describes them: the listener's control channel ({@code sb-hc-action=listen}) receives an {@code accept} command
 * whose address it connects to; the sender ({@code sb-hc-action=connect}) is then relayed to it.
 */
@RelaysimTest
@Timeout(60)
class JdkWebSocketRelayTest {

    private static final Pattern ACCEPT_ADDRESS = Pattern.compile("\"accept\"\\s*:\\s*\\{.*?\"address\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void aMessageGoesFromSenderToListenerAndBack(Relaysim relaysim) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(relaysim.sslContext()).build();
        String token = relaysim.token("echo");

        Texts control = new Texts();
        WebSocket controlChannel = http.newWebSocketBuilder().header("ServiceBusAuthorization", token)
                .buildAsync(relaysim.listenUri("echo"), control).get(10, TimeUnit.SECONDS);

        Texts fromListener = new Texts();
        CompletableFuture<WebSocket> sender = http.newWebSocketBuilder().header("ServiceBusAuthorization", token)
                .buildAsync(relaysim.connectUri("echo"), fromListener);

        String accept = control.next();
        Matcher address = ACCEPT_ADDRESS.matcher(accept);
        assertTrue(address.find(), accept);
        Texts fromSender = new Texts();
        WebSocket rendezvous = http.newWebSocketBuilder().buildAsync(URI.create(address.group(1)), fromSender)
                .get(10, TimeUnit.SECONDS);

        sender.get(10, TimeUnit.SECONDS).sendText("order 42", true).get(10, TimeUnit.SECONDS);
        assertEquals("order 42", fromSender.next());
        rendezvous.sendText("received order 42", true).get(10, TimeUnit.SECONDS);
        assertEquals("received order 42", fromListener.next());

        sender.get().sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        controlChannel.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    /** Collects whole text messages. */
    private static final class Texts implements WebSocket.Listener {

        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 10 s");
            return message;
        }
    }
}
