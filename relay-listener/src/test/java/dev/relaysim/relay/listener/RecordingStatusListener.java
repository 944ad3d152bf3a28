package dev.relaysim.relay.listener;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A status listener that records why the listener reconnected and why it stopped ({@code null}: closed). */
final class RecordingStatusListener implements ListenerStatusListener {

    final List<Throwable> reconnectCauses = new CopyOnWriteArrayList<>();
    final List<@Nullable Throwable> stopCauses = new CopyOnWriteArrayList<>();

    @Override
    public void reconnecting(Throwable cause, Duration delay) {
        reconnectCauses.add(cause);
    }

    @Override
    public void stopped(@Nullable Throwable cause) {
        stopCauses.add(cause);
    }
}
