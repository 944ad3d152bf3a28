package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.RequestCommand;
import dev.relaysim.relay.gateway.config.ClusterSettings;
import dev.relaysim.relay.gateway.internal.limits.ClusterCounts;
import dev.relaysim.relay.gateway.internal.limits.Placement;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.metrics.RelayMeters;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * This gateway as a node of a cluster: an embedded Hazelcast member (Community Edition, no CP subsystem) bound to
 * {@code cluster.nodeAddress}, joining {@code cluster.members} over TCP/IP (multicast off), logging through SLF4J.
 * It keeps the {@link ListenerDirectory} and delivers {@code accept} commands to other nodes through an executor
 * ({@link AcceptDelivery}); a node that leaves has its listeners dropped from the directory. The management state is
 * shared by {@link SharedManagementState}.
 */
public final class HazelcastCluster implements ListenerCluster {

    /** The Hazelcast cluster name every node uses. */
    public static final String CLUSTER_NAME = "relaysim";
    static final String ACCEPT_EXECUTOR = "relaysim.accepts";
    /** Where HTTP-mode requests and their responses cross nodes ({@link RemoteRequests}). */
    static final String REQUEST_EXECUTOR = "relaysim.requests";
    /** How often each side of a split cluster looks for the other to merge with, the first time after start too. */
    static final Duration MERGE_DELAY = Duration.ofSeconds(10);
    private static final String LOGGING_TYPE = "hazelcast.logging.type";

    private static final Logger logger = LoggerFactory.getLogger(HazelcastCluster.class);

    private final HazelcastInstance hazelcast;
    private final ListenerDirectory directory;
    private final IExecutorService accepts;
    private final RemoteRequests requests;
    private final SharedCounters counters;
    private final InetSocketAddress acceptHost;
    private final AtomicInteger dnsCursor = new AtomicInteger();
    private volatile @Nullable SharedManagementState managementState;

    private HazelcastCluster(HazelcastInstance hazelcast, InetSocketAddress acceptHost, NamespaceRegistry registry) {
        this.hazelcast = hazelcast;
        this.acceptHost = acceptHost;
        directory = new ListenerDirectory(hazelcast);
        hazelcast.getLifecycleService().addLifecycleListener(new SplitBrainRecovery(this, directory, registry));
        accepts = hazelcast.getExecutorService(ACCEPT_EXECUTOR);
        requests = new RemoteRequests(hazelcast);
        counters = new SharedCounters(hazelcast);
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                logger.info("cluster member joined: {}; members {}", event.getMember().getAddress(), members());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String memberId = event.getMember().getUuid().toString();
                logger.info("cluster member left: {}; members {}", event.getMember().getAddress(), members());
                // Off Hazelcast's event thread: the entry processors wait for the partitions' owners.
                CompletableFuture.runAsync(() -> directory.forgetMember(memberId)).exceptionally(failure -> {
                    logger.warn("listeners of member {} not removed: {}", memberId, failure.toString());
                    return null;
                });
                CompletableFuture.runAsync(() -> counters.forgetMember(memberId)).exceptionally(failure -> {
                    logger.warn("places of member {} not given back: {}", memberId, failure.toString());
                    return null;
                });
            }
        });
    }

    /**
     * Starts the member and joins the others (alone when none answers).
     *
     * @param bindAddress {@code listen.bindAddress}: where this node's front ends and rendezvous ports are
     *                    ({@link FrontEndHost})
     * @param registry this node's namespaces, where deliveries from other nodes find their listeners
     */
    public static HazelcastCluster start(ClusterSettings settings, String bindAddress, NamespaceRegistry registry) {
        requireNonNull(settings, "settings");
        requireNonNull(registry, "registry");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("cluster: no members (expected: cluster.members)");
        }
        InetAddress frontEnd = FrontEndHost.of(settings, bindAddress);
        if (System.getProperty(LOGGING_TYPE) == null) {
            // Read once per JVM, before the configuration: without it the first warnings go to java.util.logging.
            System.setProperty(LOGGING_TYPE, "slf4j");
        }
        Config config = config(settings, registry);
        config.getMemberAttributeConfig().setAttribute(FrontEndHost.ATTRIBUTE, frontEnd.getHostAddress());
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
        HazelcastCluster cluster = new HazelcastCluster(hazelcast, new InetSocketAddress(frontEnd, 0), registry);
        logger.info("cluster: node {} joined, members {}", settings.nodeAddress() + ':' + settings.port(),
                cluster.members());
        return cluster;
    }

    /** The member's configuration: only what the gateway needs, every other Hazelcast service left off. */
    static Config config(ClusterSettings settings, NamespaceRegistry registry) {
        Config config = new Config();
        config.setClusterName(CLUSTER_NAME);
        config.setInstanceName("relaysim-" + settings.nodeAddress() + '-' + settings.port());
        config.setProperty(LOGGING_TYPE, "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // The gateway's close() leaves the cluster, after its listeners gave their places back.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.local.localAddress", settings.nodeAddress());
        config.setProperty("hazelcast.socket.bind.any", "false");
        // A node that dies is noticed in seconds, not in Hazelcast's default minute.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.partition.count", "31");
        // A partition that heals is merged in seconds (Hazelcast's defaults: 5 minutes after start, then every 2).
        config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY.toSeconds()));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY.toSeconds()));
        // The side that merges drops its directory and enters its live listeners again (SplitBrainRecovery): its
        // entries name member ids the merged cluster no longer has.
        config.getMapConfig(ListenerDirectory.MAP_NAME).getMergePolicyConfig()
                .setPolicy(DiscardMergePolicy.class.getName());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.nodeAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2)
                .setMembers(settings.members().stream().map(member -> member + ':' + settings.port()).toList());
        config.getExecutorConfig(ACCEPT_EXECUTOR).setPoolSize(4);
        config.getExecutorConfig(REQUEST_EXECUTOR).setPoolSize(4);
        config.setUserContext(new ConcurrentHashMap<>(Map.of(AcceptDelivery.REGISTRY, registry)));
        return config;
    }

    @Override
    public CompletionStage<Placement> register(HybridConnection entity, ListenerConnection listener) {
        return directory.register(entity, entry(listener), entity.listeners().maxListeners());
    }

    @Override
    public void unregister(HybridConnection entity, ListenerConnection listener) {
        directory.unregister(entity, entry(listener));
    }

    @Override
    public Optional<RemoteListener> remoteListener(HybridConnection entity) {
        return directory.remote(entity);
    }

    @Override
    public Optional<InetSocketAddress> acceptHost() {
        return Optional.of(acceptHost);
    }

    @Override
    public CompletionStage<Void> deliverAccept(HybridConnection entity, RemoteListener listener,
                                               AcceptCommand command) {
        return MemberTasks.submit(hazelcast, accepts, new AcceptDelivery(entity.namespace().name(), entity.name(),
                listener.listenerId(), ControlCommandCodec.encode(command)), listener.memberId());
    }

    @Override
    public CompletionStage<Void> deliverRequest(HybridConnection entity, RemoteListener listener,
                                                RequestCommand command, @Nullable ByteBuf body,
                                                Duration responseTimeout) {
        return requests.deliver(entity, listener, command, body, responseTimeout);
    }

    @Override
    public void serveExchanges(ClusterExchanges exchanges) {
        requests.serve(exchanges);
    }

    @Override
    public ClusterCounts counts() {
        return counters;
    }

    /** The cluster's members as {@code address:port}, this node's included. */
    public List<String> members() {
        return hazelcast.getCluster().getMembers().stream().map(HazelcastCluster::address).toList();
    }

    @Override
    public void bindMeters(MeterRegistry registry) {
        Gauge.builder(RelayMeters.CLUSTER_MEMBERS, hazelcast, running -> running.getLifecycleService().isRunning()
                        ? running.getCluster().getMembers().size() : 0)
                .description("live members of the gateway cluster, this node included").register(registry);
        Gauge.builder(RelayMeters.CLUSTER_LISTENERS, directory, listeners -> listeners.listenersPerMember().values()
                        .stream().mapToInt(Integer::intValue).sum())
                .description("listeners of every node in the cluster's directory").register(registry);
    }

    @Override
    public List<Inet4Address> nodeAddresses() {
        List<Inet4Address> addresses = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            frontEnd(member).ifPresent(addresses::add);
        }
        if (!addresses.isEmpty()) {
            Collections.rotate(addresses, -Math.floorMod(dnsCursor.getAndIncrement(), addresses.size()));
        }
        return addresses;
    }

    /** The IPv4 address of {@code member}'s front ends ({@link FrontEndHost}), else its cluster address. */
    private static Optional<Inet4Address> frontEnd(Member member) {
        String published = member.getAttribute(FrontEndHost.ATTRIBUTE);
        if (published != null && NetUtil.createInetAddressFromIpAddressString(published) instanceof Inet4Address a) {
            return Optional.of(a);
        }
        try {
            if (member.getAddress().getInetAddress() instanceof Inet4Address address) {
                return Optional.of(address);
            }
        } catch (UnknownHostException e) {
            logger.debug("member {} has no address: {}", member, e.toString());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> status() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return Optional.empty();
        }
        Map<String, Integer> perMember = directory.listenersPerMember();
        Map<String, Object> listeners = new LinkedHashMap<>();
        Member local = hazelcast.getCluster().getLocalMember();
        List<Member> members = new ArrayList<>(List.of(local));
        hazelcast.getCluster().getMembers().stream().filter(member -> !member.localMember()).forEach(members::add);
        for (Member member : members) {
            listeners.put(address(member), perMember.getOrDefault(member.getUuid().toString(), 0));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("node", address(local));
        status.put("members", members.stream().map(HazelcastCluster::address).toList());
        status.put("listeners", listeners);
        return Optional.of(status);
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ':' + member.getAddress().getPort();
    }

    /** The directory of every node's listeners. */
    public ListenerDirectory directory() {
        return directory;
    }

    @Override
    public synchronized void shareManagementState(NamespaceRegistry registry, NetworkState networkState) {
        if (managementState != null) {
            throw new IllegalStateException("the management state is shared already");
        }
        managementState = SharedManagementState.join(hazelcast, registry, networkState,
                address(hazelcast.getCluster().getLocalMember()));
    }

    /** The shared management state; throws before {@link #shareManagementState}. */
    SharedManagementState managementState() {
        return requireNonNull(managementState, "managementState");
    }

    /** Leaves the cluster; idempotent. */
    @Override
    public void close() {
        SharedManagementState shared = managementState;
        if (shared != null) {
            shared.close();
        }
        if (hazelcast.getLifecycleService().isRunning()) {
            hazelcast.shutdown();
        }
    }

    private RemoteListener entry(ListenerConnection listener) {
        return new RemoteListener(directory.localMemberId(), listener.id(), listener.secure());
    }
}
