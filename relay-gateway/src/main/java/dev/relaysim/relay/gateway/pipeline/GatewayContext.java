package dev.relaysim.relay.gateway.pipeline;

import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.gateway.auth.RelayAuthorizer;
import dev.relaysim.relay.gateway.config.ProtocolSettings;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.relay.RelayPair;
import dev.relaysim.relay.gateway.relay.RelaySettings;
import dev.relaysim.relay.gateway.rendezvous.RendezvousPorts;
import dev.relaysim.relay.gateway.rendezvous.RendezvousTable;
import io.netty.channel.group.ChannelGroup;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * What the pipelines of one gateway share: settings, namespaces, the authorizer, the rendezvous table, every open
 * channel and every relay pair. Thread-safe.
 */
public final class GatewayContext {

    /** How long a listener's control channel stays open after its token expired without a {@code renewToken}. */
    public static final Duration TOKEN_EXPIRY_GRACE = Duration.ofMinutes(5);
    /** How long a relay pair waits for the second close frame once it forwarded the first. */
    public static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Largest upgrade request body (upgrade requests have none; anything bigger is answered 413). */
    public static final int MAX_REQUEST_CONTENT_LENGTH = 64 * 1024;
    /** Longest request line (431 beyond). */
    public static final int MAX_INITIAL_LINE_LENGTH = 16 * 1024;
    /** Largest header block (431 beyond). */
    public static final int MAX_HEADER_SIZE = 32 * 1024;

    private final ProtocolSettings protocol;
    private final NamespaceRegistry registry;
    private final RelayAuthorizer authorizer;
    private final RendezvousPorts rendezvousPorts;
    private final RendezvousTable rendezvousTable = new RendezvousTable();
    private final RelaySettings relaySettings;
    private final ChannelGroup channels;
    private final Clock clock;
    private final Set<RelayPair> relayPairs = ConcurrentHashMap.newKeySet();

    public GatewayContext(ProtocolSettings protocol, NamespaceRegistry registry, RendezvousPorts rendezvousPorts,
                          ChannelGroup channels, Clock clock) {
        this.protocol = requireNonNull(protocol, "protocol");
        this.registry = requireNonNull(registry, "registry");
        this.rendezvousPorts = requireNonNull(rendezvousPorts, "rendezvousPorts");
        this.channels = requireNonNull(channels, "channels");
        this.clock = requireNonNull(clock, "clock");
        authorizer = new RelayAuthorizer(clock);
        relaySettings = new RelaySettings(HybridConnectionConstants.LISTENER_FRAGMENT_SIZE, protocol.maxMessageSize(),
                CLOSE_HANDSHAKE_TIMEOUT);
    }

    public ProtocolSettings protocol() {
        return protocol;
    }

    public NamespaceRegistry registry() {
        return registry;
    }

    public RelayAuthorizer authorizer() {
        return authorizer;
    }

    public RendezvousPorts rendezvousPorts() {
        return rendezvousPorts;
    }

    public RendezvousTable rendezvousTable() {
        return rendezvousTable;
    }

    public RelaySettings relaySettings() {
        return relaySettings;
    }

    /** Every connection the gateway accepted and every server channel, for closing them all. */
    public ChannelGroup channels() {
        return channels;
    }

    public Clock clock() {
        return clock;
    }

    /** The relay pairs still relaying. */
    public Set<RelayPair> relayPairs() {
        return relayPairs;
    }

    /** Remembers a relay pair until it is closed, so that shutdown can wait for it. */
    void track(RelayPair pair) {
        relayPairs.add(pair);
        pair.closeFuture().addListener(closed -> relayPairs.remove(pair));
    }
}
