package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.LimitSettings;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.limits.KeyedCounter;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;

import io.netty.channel.Channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The senders waiting for a listener, by rendezvous id. An entry leaves the table exactly once: claimed by the
 * listener's accept, cancelled because the sender went away, or expired; whoever removes it owns it (and its held
 * request). Each hybrid connection has at most {@code maxPendingPerEntity} senders waiting, counted exactly: one
 * more when an entry is added, one less when it leaves; in a cluster also on all nodes together ({@link
 * ClusterCounts}). Thread-safe: accepts arrive on other event loops than the
 * senders'.
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

    private static final CompletionStage<Placement> ADDED = CompletableFuture.completedFuture(Placement.TAKEN);
    private static final CompletionStage<Placement> NOT_ADDED = CompletableFuture.completedFuture(Placement.FULL);

    private final ConcurrentMap<String, PendingRendezvous> pending = new ConcurrentHashMap<>();
    private final KeyedCounter<HybridConnection> waiting = new KeyedCounter<>();
    private final int maxPendingPerEntity;
    private final ClusterCounts cluster;

    /** A table with the default {@link LimitSettings#maxPendingRendezvousPerEntity()}. */
    public RendezvousTable() {
        this(LimitSettings.DEFAULT_MAX_PENDING_RENDEZVOUS_PER_ENTITY);
    }

    /** @param maxPendingPerEntity how many senders may wait on one hybrid connection */
    public RendezvousTable(int maxPendingPerEntity) {
        this(maxPendingPerEntity, ClusterCounts.NONE);
    }

    /**
     * @param maxPendingPerEntity how many senders may wait on one hybrid connection (in a cluster: on all nodes)
     * @param cluster where a cluster's nodes count their waiting senders together
     */
    public RendezvousTable(int maxPendingPerEntity, ClusterCounts cluster) {
        this.cluster = requireNonNull(cluster, "cluster");
        if (maxPendingPerEntity < 1) {
            throw new IllegalArgumentException("maxPendingPerEntity: " + maxPendingPerEntity + " (expected: >= 1)");
        }
        this.maxPendingPerEntity = maxPendingPerEntity;
    }

    /**
     * Adds a rendezvous that expires after {@code timeout}: then it is removed and {@code onExpired} runs on the
     * sender's event loop, owning it. A hybrid connection with {@code maxPendingPerEntity} senders waiting on this
     * node refuses at once; in a cluster the rendezvous is added once the nodes together have room, on the sender's
     * event loop, where the returned stage then completes (a sender whose channel closed meanwhile is not added).
     *
     * @return {@link Placement#TAKEN} when added; else nothing is added: {@link Placement#FULL} when its hybrid
     *         connection has {@code maxPendingPerEntity} senders waiting (or its sender went away while the cluster
     *         counted), {@link Placement#UNANSWERED} when the cluster did not count it in time (already completed
     *         without a cluster)
     */
    public CompletionStage<Placement> add(PendingRendezvous rendezvous, Duration timeout,
                                          Consumer<PendingRendezvous> onExpired) {
        requireNonNull(rendezvous, "rendezvous");
        requireNonNull(timeout, "timeout");
        requireNonNull(onExpired, "onExpired");
        HybridConnection entity = rendezvous.match().entity();
        if (waiting.incrementBelow(entity, maxPendingPerEntity) < 0) {
            return NOT_ADDED;
        }
        String clusterKey = clusterKey(entity);
        CompletableFuture<Placement> taken = cluster.acquire(clusterKey, maxPendingPerEntity).toCompletableFuture();
        if (taken.isDone()) {
            // No other node has a say (or it answered already): added (or refused) in this call.
            Placement placement = taken.join();
            return placed(rendezvous, timeout, onExpired, placement) ? ADDED
                    : CompletableFuture.completedFuture(placement);
        }
        Channel sender = rendezvous.sender();
        CompletableFuture<Placement> added = new CompletableFuture<>();
        taken.thenAccept(answer -> {
            try {
                sender.eventLoop().execute(() -> {
                    Placement placement = answer;
                    if (answer == Placement.TAKEN && !sender.isActive()) {
                        // A sender gone while the cluster counted gives its place back at once.
                        cluster.release(clusterKey);
                        placement = Placement.FULL;
                    }
                    try {
                        added.complete(placed(rendezvous, timeout, onExpired, placement) ? Placement.TAKEN
                                : placement);
                    } catch (RuntimeException e) {
                        added.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The gateway is closing: the sender's loop is gone with its channel.
                waiting.decrement(entity);
                if (answer == Placement.TAKEN) {
                    cluster.release(clusterKey);
                }
                added.complete(Placement.FULL);
            }
        });
        return added;
    }

    /**
     * Adds a rendezvous whose hybrid connection had room on this node once the cluster answered.
     *
     * @return whether it was added (the cluster's {@code placement} was {@link Placement#TAKEN})
     */
    private boolean placed(PendingRendezvous rendezvous, Duration timeout, Consumer<PendingRendezvous> onExpired,
                           Placement placement) {
        HybridConnection entity = rendezvous.match().entity();
        if (placement != Placement.TAKEN) {
            waiting.decrement(entity);
            return false;
        }
        if (pending.putIfAbsent(rendezvous.id(), rendezvous) != null) {
            waiting.decrement(entity);
            cluster.release(clusterKey(entity));
            throw new IllegalStateException("rendezvous id in use: " + rendezvous.id());
        }
        rendezvous.expiry(rendezvous.sender().eventLoop().schedule(() -> {
            if (remove(rendezvous)) {
                onExpired.accept(rendezvous);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS));
        return true;
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
        if (!remove(rendezvous)) {
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
        if (remove(rendezvous)) {
            rendezvous.cancelExpiry();
            return true;
        }
        return false;
    }

    /**
     * Removes every waiting rendezvous, as the gateway does when it shuts down: their expiry is cancelled and the
     * caller owns them (their senders still need an answer).
     */
    public List<PendingRendezvous> drain() {
        List<PendingRendezvous> drained = new ArrayList<>();
        for (PendingRendezvous rendezvous : List.copyOf(pending.values())) {
            if (cancel(rendezvous)) {
                drained.add(rendezvous);
            }
        }
        return drained;
    }

    /** How many senders are waiting. */
    public int size() {
        return pending.size();
    }

    /** How many senders are waiting on {@code entity}. */
    public int waiting(HybridConnection entity) {
        return waiting.count(entity);
    }

    /** Takes {@code rendezvous} out if it is still in; only the caller that gets true owns it. */
    private boolean remove(PendingRendezvous rendezvous) {
        if (pending.remove(rendezvous.id(), rendezvous)) {
            waiting.decrement(rendezvous.match().entity());
            cluster.release(clusterKey(rendezvous.match().entity()));
            return true;
        }
        return false;
    }

    /** The key of a hybrid connection's waiting senders in the {@link ClusterCounts}. */
    private static String clusterKey(HybridConnection entity) {
        return "pending:" + entity.namespace().name() + '/' + entity.name();
    }
}
