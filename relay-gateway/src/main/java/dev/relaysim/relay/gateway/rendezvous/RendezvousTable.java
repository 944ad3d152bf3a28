package dev.relaysim.relay.gateway.rendezvous;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The senders waiting for a listener, by rendezvous id. An entry leaves the table exactly once: claimed by the
 * listener's accept, cancelled because the sender went away, or expired; whoever removes it owns it (and its held
 * request). Thread-safe: accepts arrive on other event loops than the senders'.
 */
public final class RendezvousTable {

    /** What {@link #claim} found. */
    public sealed interface Claim {

        /** The rendezvous was waiting on this instance; the caller owns it now. */
        record Claimed(PendingRendezvous rendezvous) implements Claim {
        }

        /** No such rendezvous: never issued, already used, expired or abandoned. */
        record Unknown() implements Claim {
        }

        /** The rendezvous exists but belongs to another instance's port; it stays in the table. */
        record OtherInstance(int instance) implements Claim {
        }
    }

    private final ConcurrentMap<String, PendingRendezvous> pending = new ConcurrentHashMap<>();

    /**
     * Adds a rendezvous that expires after {@code timeout}: then it is removed and {@code onExpired} runs on the
     * sender's event loop, owning it.
     */
    public void add(PendingRendezvous rendezvous, Duration timeout, Consumer<PendingRendezvous> onExpired) {
        requireNonNull(rendezvous, "rendezvous");
        requireNonNull(timeout, "timeout");
        requireNonNull(onExpired, "onExpired");
        if (pending.putIfAbsent(rendezvous.id(), rendezvous) != null) {
            throw new IllegalStateException("rendezvous id in use: " + rendezvous.id());
        }
        rendezvous.expiry(rendezvous.sender().eventLoop().schedule(() -> {
            if (pending.remove(rendezvous.id(), rendezvous)) {
                onExpired.accept(rendezvous);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The rendezvous {@code id} if it is still waiting, left in the table. */
    public Optional<PendingRendezvous> find(String id) {
        requireNonNull(id, "id");
        return Optional.ofNullable(pending.get(id));
    }

    /** Takes the rendezvous {@code id} out of the table if it waits on {@code instance}. */
    public Claim claim(String id, int instance) {
        requireNonNull(id, "id");
        PendingRendezvous rendezvous = pending.get(id);
        if (rendezvous == null) {
            return new Claim.Unknown();
        }
        if (rendezvous.instance() != instance) {
            return new Claim.OtherInstance(rendezvous.instance());
        }
        if (!pending.remove(id, rendezvous)) {
            return new Claim.Unknown();
        }
        rendezvous.cancelExpiry();
        return new Claim.Claimed(rendezvous);
    }

    /**
     * Removes a rendezvous nobody claimed (its sender went away, or the accept command could not be sent).
     *
     * @return whether it was still waiting, in which case the caller owns it
     */
    public boolean cancel(PendingRendezvous rendezvous) {
        requireNonNull(rendezvous, "rendezvous");
        if (pending.remove(rendezvous.id(), rendezvous)) {
            rendezvous.cancelExpiry();
            return true;
        }
        return false;
    }

    /** How many senders are waiting. */
    public int size() {
        return pending.size();
    }
}
