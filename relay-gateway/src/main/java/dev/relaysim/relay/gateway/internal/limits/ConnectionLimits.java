package dev.relaysim.relay.gateway.internal.limits;

import dev.relaysim.relay.gateway.config.LimitSettings;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's connection counts and the limits they are held to ({@link LimitSettings}): open connections per
 * source address and relayed connections (with waiting senders) per namespace. Waiting senders per hybrid connection
 * are counted by the rendezvous table, where they wait. Every count is taken when a connection is admitted and given
 * back when that same channel closes (its close future), so the counts cannot drift. Thread-safe.
 */
public final class ConnectionLimits {

    /** The {@code Retry-After} (seconds) of 429 answers. */
    public static final int RETRY_AFTER_SECONDS = 1;
    /**
     * How many connections beyond {@code maxConnectionsPerSource} one source may have open while they are being
     * answered 429; a source past that gets its further connections reset at once, without reading them, so that a
     * flood from one address holds at most {@code maxConnectionsPerSource} plus this many sockets.
     */
    public static final int REFUSALS_IN_FLIGHT_PER_SOURCE = 64;

    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimits.class);

    /** What a new connection may do, judged by how many its source address has open. */
    public enum Admission {
        /** Within the limit: served. */
        ADMITTED,
        /** Over the limit: its request is answered 429. */
        REFUSED,
        /** Far over the limit: reset without reading; not counted. */
        RESET
    }

    private static final CompletionStage<Placement> NO_ROOM = CompletableFuture.completedFuture(Placement.FULL);

    private final LimitSettings settings;
    private final ClusterCounts cluster;
    private final KeyedCounter<InetAddress> sources = new KeyedCounter<>();
    private final KeyedCounter<String> namespaces = new KeyedCounter<>();
    private final RefusalLog sourceLog = new RefusalLog(logger, "maxConnectionsPerSource", RefusalLog.INTERVAL);
    private final RefusalLog pendingLog = new RefusalLog(logger, "maxPendingRendezvousPerEntity",
            RefusalLog.INTERVAL);
    private final RefusalLog namespaceLog = new RefusalLog(logger, "maxRelayedConnectionsPerNamespace",
            RefusalLog.INTERVAL);

    /** A gateway alone. */
    public ConnectionLimits(LimitSettings settings) {
        this(settings, ClusterCounts.NONE);
    }

    /** @param cluster where a cluster's nodes count relayed connections per namespace together */
    public ConnectionLimits(LimitSettings settings, ClusterCounts cluster) {
        this.settings = requireNonNull(settings, "settings");
        this.cluster = requireNonNull(cluster, "cluster");
    }

    /** The key of a namespace's relayed connections in the {@link ClusterCounts}. */
    static String namespaceKey(String namespace) {
        return "namespace:" + namespace.toLowerCase(Locale.ROOT);
    }

    public LimitSettings settings() {
        return settings;
    }

    /**
     * Counts a newly accepted connection against its source address until it closes (unless it is to be reset).
     * A channel whose peer has no IP address (none the gateway accepts) is admitted uncounted.
     */
    public Admission admit(Channel channel) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            return Admission.ADMITTED;
        }
        InetAddress source = remote.getAddress();
        int limit = settings.maxConnectionsPerSource();
        int open = sources.incrementBelow(source, limit + REFUSALS_IN_FLIGHT_PER_SOURCE);
        if (open < 0) {
            return Admission.RESET;
        }
        channel.closeFuture().addListener(closed -> sources.decrement(source));
        return open <= limit ? Admission.ADMITTED : Admission.REFUSED;
    }

    /**
     * Counts a sender against its namespace's {@code maxRelayedConnectionsPerNamespace} until its channel closes
     * (it waits, is relayed, and ends with its channel): on this node, and in a cluster on all nodes together. A node
     * full alone refuses at once; the cluster's count completes later, on a thread of the cluster's. A sender whose
     * channel closed before then has its places given back when the cluster's arrives.
     *
     * @return whether there was room, or the cluster did not answer in time (already completed without a cluster);
     *         unless {@link Placement#TAKEN}, nothing is counted
     */
    public CompletionStage<Placement> admitSender(String namespace, Channel sender) {
        String key = namespace.toLowerCase(Locale.ROOT);
        int max = settings.maxRelayedConnectionsPerNamespace();
        if (namespaces.incrementBelow(key, max) < 0) {
            return NO_ROOM;
        }
        String clusterKey = namespaceKey(key);
        return cluster.acquire(clusterKey, max).thenApply(placement -> {
            if (placement != Placement.TAKEN) {
                namespaces.decrement(key);
                return placement;
            }
            // Runs at once where the sender closed while the cluster counted.
            sender.closeFuture().addListener(closed -> {
                namespaces.decrement(key);
                cluster.release(clusterKey);
            });
            return placement;
        });
    }

    /** The connections open from {@code source} (admitted and being refused). */
    public int openConnections(InetAddress source) {
        return sources.count(source);
    }

    /** The connections open from all sources. */
    public int openConnections() {
        return sources.total();
    }

    /** The relayed connections and waiting senders of {@code namespace}. */
    public int relayedConnections(String namespace) {
        return namespaces.count(namespace.toLowerCase(Locale.ROOT));
    }

    /** The relayed connections and waiting senders of all namespaces. */
    public int relayedConnections() {
        return namespaces.total();
    }

    /** The text of a 429 for a connection over its source's limit. */
    public String sourceRefusal(InetAddress source) {
        return "Server busy. MaximumConnectionsPerSource: " + settings.maxConnectionsPerSource() + " connections from "
                + source.getHostAddress() + " are open to the gateway already; retry after " + RETRY_AFTER_SECONDS
                + " s.";
    }

    /** The text of a 429 for a sender over its hybrid connection's limit of waiting senders. */
    public String pendingRefusal() {
        return "Server busy. MaximumPendingRendezvousPerEntity: " + settings.maxPendingRendezvousPerEntity()
                + " senders wait for a listener to accept on the hybrid connection already; retry after "
                + RETRY_AFTER_SECONDS + " s.";
    }

    /** The text of a 403 for a sender over its namespace's quota. */
    public String namespaceRefusal() {
        return "Quota exceeded. MaximumConnectionsPerNamespace: the namespace has "
                + settings.maxRelayedConnectionsPerNamespace() + " relayed connections and waiting senders already.";
    }

    /** Logs refusals by {@code maxConnectionsPerSource}. */
    public RefusalLog sourceLog() {
        return sourceLog;
    }

    /** Logs refusals by {@code maxPendingRendezvousPerEntity}. */
    public RefusalLog pendingLog() {
        return pendingLog;
    }

    /** Logs refusals by {@code maxRelayedConnectionsPerNamespace}. */
    public RefusalLog namespaceLog() {
        return namespaceLog;
    }
}
