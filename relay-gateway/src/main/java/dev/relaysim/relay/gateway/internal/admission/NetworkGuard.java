package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;
import dev.relaysim.relay.gateway.network.Admission;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.relay.RelayPair;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Enforces the {@link NetworkState} on real connections. Every connection is judged from its TCP addresses
 * ({@link NetworkModel#admit}) before its upgrade and before SAS; what a connection was admitted with is kept on
 * its channel ({@link #ADMITTED}). Open listener control channels and relay pairs are watched: on every change of
 * the state each one is judged again with the addresses it was admitted with, and those that no longer pass are
 * closed with 1008 and a reason (both legs of a relay pair).
 *
 * <h2>Trusted services</h2>
 * A caller is a trusted Microsoft service when its SAS token is signed with the key of an authorization rule
 * flagged {@code trustedService} in the configuration. {@link Admission.TrustedServicesOnly} (no IP rule matched,
 * default action Deny, {@code trustedServiceAccessEnabled}) admits only such a caller: the connection goes on to SAS,
 * and a grant by a rule that is not trusted, or any SAS refusal, is answered with the network refusal instead.
 * Trusted services do not bypass {@code publicNetworkAccess} Disabled nor private endpoint states.
 */
public final class NetworkGuard {

    /** The service's text for a connection its network rules refuse (HTTP 401). */
    public static final String IP_REFUSED = "Ip has been prevented to connect to the endpoint.";
    /**
     * The doc links the service appends to {@link #IP_REFUSED}; the service's exact links are not documented, these
     * are Relay's pages on the same subjects.
     */
    public static final String IP_REFUSED_LINKS = "For more information see: Virtual Network service endpoints: "
            + "https://learn.microsoft.com/azure/azure-relay/network-security; IP filters: "
            + "https://learn.microsoft.com/azure/azure-relay/ip-firewall-virtual-networks";
    /** The close reason of connections whose private endpoint connection was rejected. */
    public static final String ENDPOINT_REJECTED = "The private endpoint connection was rejected";
    /** The close reason of connections whose private endpoint connection was removed (Disconnected or deleted). */
    public static final String ENDPOINT_REMOVED = "The private endpoint connection was removed";
    /** The close reason of connections whose private endpoint connection is Pending again. */
    public static final String ENDPOINT_PENDING = "The private endpoint connection is pending approval";
    /** The close reason of public connections once public network access is disabled. */
    public static final String PUBLIC_ACCESS_DISABLED = "Public network access is disabled";

    /** What a channel was admitted with. */
    public static final AttributeKey<Admitted> ADMITTED = AttributeKey.valueOf(NetworkGuard.class, "admitted");

    private static final Logger logger = LoggerFactory.getLogger(NetworkGuard.class);

    private final NetworkState state;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();

    /**
     * What one connection was admitted with.
     *
     * @param namespace the namespace it was judged for
     * @param local the address it reached
     * @param remote the address it came from
     * @param privateLink whether {@code local} was a private endpoint's address
     * @param trusted whether it was admitted as a trusted service
     */
    public record Admitted(String namespace, InetAddress local, InetAddress remote, boolean privateLink,
                           boolean trusted) {

        public Admitted {
            requireNonNull(namespace, "namespace");
            requireNonNull(local, "local");
            requireNonNull(remote, "remote");
        }
    }

    /**
     * A decision with the addresses it was made for.
     *
     * @param admitted what the connection is admitted with if it goes on, or {@code null} for a connection without IP
     *                 addresses (an embedded channel in tests), which nothing refuses
     */
    public record Decision(Admission admission, Admitted admitted) {

        public Decision {
            requireNonNull(admission, "admission");
        }

        /** What the connection is admitted with, as a trusted service or not; null without IP addresses. */
        public Admitted admitted(boolean trusted) {
            return admitted == null ? null : new Admitted(admitted.namespace(), admitted.local(), admitted.remote(),
                    admitted.privateLink(), trusted);
        }

        public boolean refused() {
            return admission instanceof Admission.Refused;
        }

        public boolean trustedServicesOnly() {
            return admission instanceof Admission.TrustedServicesOnly;
        }
    }

    /** Open connections judged again on every change: their channels and how to close them. */
    private record Watched(List<Channel> channels, Consumer<String> closer) {
    }

    public NetworkGuard(NetworkState state) {
        this.state = requireNonNull(state, "state");
        state.onChange(this::recheck);
    }

    /** Judges {@code channel} for {@code namespace} from its addresses, by the current model. */
    public Decision judge(Channel channel, String namespace) {
        requireNonNull(channel, "channel");
        requireNonNull(namespace, "namespace");
        InetAddress local = address(channel.localAddress());
        InetAddress remote = address(channel.remoteAddress());
        if (local == null || remote == null) {
            return new Decision(new Admission.Allowed("not an IP connection"), null);
        }
        NetworkModel model = state.current();
        boolean privateLink = model.privateEndpointsByAddress().containsKey(local);
        return new Decision(model.admit(namespace, local, remote),
                new Admitted(namespace, local, remote, privateLink, false));
    }

    /** The namespace whose private endpoint has {@code local}'s address, if any. */
    public Optional<String> privateEndpointNamespace(InetSocketAddress local) {
        NetworkModel.Owned owned = state.current().privateEndpointsByAddress().get(local.getAddress());
        return owned == null ? Optional.empty() : Optional.of(owned.namespace());
    }

    /** Keeps what {@code channel} was admitted with, for later re-checks; null (no IP connection) keeps nothing. */
    public static void remember(Channel channel, Admitted admitted) {
        if (admitted != null) {
            channel.attr(ADMITTED).set(admitted);
        }
    }

    /** Whether the rule {@code keyName} of {@code entity} (or of its namespace) is flagged as a trusted service. */
    public static boolean isTrustedService(HybridConnection entity, String keyName) {
        if (keyName == null) {
            return false;
        }
        return Stream.concat(entity.namespace().authorizationRules().stream(), entity.authorizationRules().stream())
                .anyMatch(rule -> rule.name().equalsIgnoreCase(keyName) && rule.trustedService());
    }

    /** {@link #IP_REFUSED} with the doc links, the text every network refusal carries before its tracking part. */
    public static String refusalMessage() {
        return IP_REFUSED + ' ' + IP_REFUSED_LINKS;
    }

    /** Watches a listener control channel: closed with 1008 once its admission no longer holds. */
    public void watch(ListenerConnection listener) {
        watch(List.of(listener.channel()),
                reason -> listener.close(WebSocketCloseStatus.POLICY_VIOLATION, reason));
    }

    /** Watches a relay pair: both legs closed with 1008 once either leg's admission no longer holds. */
    public void watch(RelayPair pair, Channel sender, Channel listener) {
        watch(List.of(sender, listener), reason -> pair.close(WebSocketCloseStatus.POLICY_VIOLATION.code(), reason));
    }

    private void watch(List<Channel> channels, Consumer<String> closer) {
        if (channels.stream().anyMatch(channel -> channel.attr(ADMITTED).get() == null)) {
            return;
        }
        Watched entry = new Watched(channels, closer);
        watched.add(entry);
        for (Channel channel : channels) {
            channel.closeFuture().addListener(closed -> watched.remove(entry));
        }
        if (channels.stream().anyMatch(channel -> !channel.isOpen())) {
            watched.remove(entry);
        }
    }

    /** Judges every watched connection by {@code model}; closes those that no longer pass. */
    private void recheck(NetworkModel model) {
        for (Watched entry : watched) {
            for (Channel channel : entry.channels()) {
                Admitted admitted = channel.attr(ADMITTED).get();
                String reason = stillRefused(model, admitted);
                if (reason != null) {
                    logger.info("{} closing 1008 after a network change: {} (namespace {}, remote {}, local {})",
                            channel, reason, admitted.namespace(), admitted.remote().getHostAddress(),
                            admitted.local().getHostAddress());
                    watched.remove(entry);
                    entry.closer().accept(reason);
                    break;
                }
            }
        }
    }

    /** Why a connection admitted with {@code admitted} no longer passes under {@code model}, or null if it does. */
    static String stillRefused(NetworkModel model, Admitted admitted) {
        NetworkModel.Owned owned = model.privateEndpointsByAddress().get(admitted.local());
        if (admitted.privateLink() && owned == null) {
            return ENDPOINT_REMOVED;
        }
        Admission admission = model.admit(admitted.namespace(), admitted.local(), admitted.remote());
        if (admission instanceof Admission.Allowed
                || admission instanceof Admission.TrustedServicesOnly && admitted.trusted()) {
            return null;
        }
        if (owned != null) {
            PrivateEndpoint endpoint = owned.endpoint();
            switch (endpoint.status()) {
                case REJECTED:
                    return ENDPOINT_REJECTED;
                case DISCONNECTED:
                    return ENDPOINT_REMOVED;
                case PENDING:
                    return ENDPOINT_PENDING;
                default:
                    return admission.rule();
            }
        }
        if (!model.namespace(admitted.namespace()).ruleSet().publicNetworkAccess().admitsPublicTraffic()) {
            return PUBLIC_ACCESS_DISABLED;
        }
        return admission.rule();
    }

    /** The IP address of a channel's address, or null when it has none. */
    private static InetAddress address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
