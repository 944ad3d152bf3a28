package dev.relaysim.relay.gateway.internal.cluster;

import java.io.Serializable;

import static java.util.Objects.requireNonNull;

/**
 * A listener's entry in the cluster's directory: the node its control channel is connected to and its id.
 *
 * @param memberId the Hazelcast member id of the node holding the control channel
 * @param listenerId the listener's {@code sb-hc-id} (or the one the gateway made up)
 * @param secure whether the control channel runs over TLS (its accept addresses then use {@code wss})
 */
public record RemoteListener(String memberId, String listenerId, boolean secure) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RemoteListener {
        requireNonNull(memberId, "memberId");
        requireNonNull(listenerId, "listenerId");
    }
}
