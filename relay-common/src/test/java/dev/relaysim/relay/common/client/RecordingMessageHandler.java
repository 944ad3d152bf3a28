package dev.relaysim.relay.common.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A handler that records each message as its text and the close as {@code "close <code> <reason>"}, in order. */
final class RecordingMessageHandler implements RelayMessageHandler {

    final List<String> events = new CopyOnWriteArrayList<>();
    /** Completes when the close is reported. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public void onMessage(RelayMessage message) {
        events.add(message.asText());
    }

    @Override
    public void onClose(int code, String reason) {
        events.add("close " + code + " " + reason);
        closed.complete(null);
    }
}
