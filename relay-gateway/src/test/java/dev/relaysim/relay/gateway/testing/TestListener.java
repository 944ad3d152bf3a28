package dev.relaysim.relay.gateway.testing;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A Hybrid Connections listener built on the JDK WebSocket client: opens a control channel and answers each
 * {@code accept} according to its {@link Mode}. Records the accept commands and the rendezvous WebSockets.
 */
public final class TestListener implements AutoCloseable {

    /** What the listener does with an {@code accept}. */
    public sealed interface Mode {

        /** Opens the accept address (with the sender's first subprotocol, if any) and echoes every message. */
        record Echo() implements Mode {
        }

        /** Opens the accept address with {@code sb-hc-statusCode} and {@code sb-hc-statusDescription}. */
        record Reject(int statusCode, String encodedDescription) implements Mode {
        }

        /** Does nothing: the rendezvous expires. */
        record Ignore() implements Mode {
        }
    }

    private final HttpClient client;
    private final Mode mode;
    private final List<AcceptCommand> accepts = new CopyOnWriteArrayList<>();
    private final List<WsPeer> rendezvous = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<WsPeer>> rendezvousAttempts = new CopyOnWriteArrayList<>();
    private final List<String> otherCommands = new CopyOnWriteArrayList<>();
    private WsPeer control;

    private TestListener(HttpClient client, Mode mode) {
        this.client = client;
        this.mode = mode;
    }

    /** Connects a listener's control channel to {@code listenUri}, waiting at most 10 s. */
    public static TestListener connect(HttpClient client, URI listenUri, String token, Mode mode) throws Exception {
        requireNonNull(mode, "mode");
        TestListener listener = new TestListener(client, mode);
        Map<String, String> headers = token == null ? Map.of() : Map.of("ServiceBusAuthorization", token);
        listener.control = WsPeer.connect(client, listenUri, headers, (peer, message) -> listener.onControl(message))
                .get(10, TimeUnit.SECONDS);
        return listener;
    }

    public WsPeer control() {
        return control;
    }

    public List<AcceptCommand> accepts() {
        return accepts;
    }

    /** The rendezvous WebSockets opened so far. */
    public List<WsPeer> rendezvous() {
        return rendezvous;
    }

    /** Every attempt to open an accept address, successful or not. */
    public List<CompletableFuture<WsPeer>> rendezvousAttempts() {
        return rendezvousAttempts;
    }

    /** Control messages that were not {@code accept} commands. */
    public List<String> otherCommands() {
        return otherCommands;
    }

    @Override
    public void close() {
        rendezvous.forEach(peer -> peer.socket().abort());
        if (control != null) {
            control.socket().abort();
        }
    }

    private void onControl(WsPeer.Message message) {
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(message.asText());
        } catch (ControlCommandException e) {
            otherCommands.add(message.asText());
            return;
        }
        if (!(command instanceof AcceptCommand accept)) {
            otherCommands.add(message.asText());
            return;
        }
        accepts.add(accept);
        if (mode instanceof Mode.Ignore) {
            return;
        }
        String address = accept.address();
        String[] subprotocols = new String[0];
        if (mode instanceof Mode.Reject reject) {
            address += "&sb-hc-statusCode=" + reject.statusCode() + "&sb-hc-statusDescription="
                    + reject.encodedDescription();
        } else {
            String offered = header(accept.connectHeaders(), "Sec-WebSocket-Protocol");
            if (offered != null) {
                subprotocols = new String[] {offered.split(",")[0].strip()};
            }
        }
        CompletableFuture<WsPeer> attempt = WsPeer.connect(client, URI.create(address), Map.of(),
                (peer, received) -> peer.send(received), subprotocols);
        rendezvousAttempts.add(attempt);
        attempt.thenAccept(rendezvous::add);
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
