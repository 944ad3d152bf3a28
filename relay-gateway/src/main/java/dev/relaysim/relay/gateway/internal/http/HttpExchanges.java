package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.gateway.internal.cluster.ClusterExchanges;
import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.control.HttpResponseRouter;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP exchanges under way, by request id (which is also the id of the request's rendezvous address). An
 * exchange is in the table from the moment its {@code request} goes out until it ends. In a cluster it also holds
 * the requests this node's listeners got from other nodes, whose control-channel responses go back there
 * ({@link ClusterExchanges}). Thread-safe.
 */
public final class HttpExchanges implements HttpResponseRouter, ClusterExchanges {

    /** What {@link #claimRendezvous} found. */
    public sealed interface RendezvousClaim {

        /** The caller serves the exchange's rendezvous now. */
        record Claimed(HttpExchange exchange) implements RendezvousClaim {
        }

        /** No such request, or its address was used, expired or the exchange ended. */
        record Unknown() implements RendezvousClaim {
        }

        /** The address belongs to another instance's port. */
        record OtherInstance(int instance) implements RendezvousClaim {
        }
    }

    private final ConcurrentMap<String, HttpExchange> exchanges = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Forwarded> forwarded = new ConcurrentHashMap<>();

    /** A request of another node's sender on one of this node's listeners. */
    private record Forwarded(ListenerConnection listener, HttpResponseReceiver receiver) {
    }

    void add(HttpExchange exchange) {
        if (exchanges.putIfAbsent(exchange.id(), exchange) != null) {
            throw new IllegalStateException("request id in use: " + exchange.id());
        }
    }

    void remove(HttpExchange exchange) {
        exchanges.remove(exchange.id(), exchange);
    }

    @Override
    public Optional<HttpResponseReceiver> claimResponse(String requestId, ListenerConnection from) {
        requireNonNull(requestId, "requestId");
        requireNonNull(from, "from");
        HttpExchange exchange = exchanges.get(requestId);
        if (exchange != null) {
            return exchange.listener().local() == from && exchange.claimResponse() ? Optional.of(exchange)
                    : Optional.empty();
        }
        Forwarded other = forwarded.get(requestId);
        return other != null && other.listener() == from && forwarded.remove(requestId, other)
                ? Optional.of(other.receiver()) : Optional.empty();
    }

    @Override
    public void forward(String requestId, ListenerConnection listener, HttpResponseReceiver receiver) {
        requireNonNull(requestId, "requestId");
        if (forwarded.putIfAbsent(requestId, new Forwarded(requireNonNull(listener, "listener"),
                requireNonNull(receiver, "receiver"))) != null) {
            throw new IllegalStateException("request id in use: " + requestId);
        }
    }

    @Override
    public void stopForwarding(String requestId, HttpResponseReceiver receiver) {
        requireNonNull(requestId, "requestId");
        forwarded.computeIfPresent(requestId, (id, entry) -> entry.receiver() == receiver ? null : entry);
    }

    @Override
    public Optional<RemoteExchange> remoteExchange(String requestId) {
        HttpExchange exchange = exchanges.get(requireNonNull(requestId, "requestId"));
        return exchange != null && exchange.listener().local() == null ? Optional.of(exchange) : Optional.empty();
    }

    /** The exchange of request {@code id}, while it runs. */
    public Optional<HttpExchange> find(String id) {
        return Optional.ofNullable(exchanges.get(requireNonNull(id, "id")));
    }

    /** Claims the rendezvous address of request {@code id} for a listener that opened it on {@code instance}'s port. */
    public RendezvousClaim claimRendezvous(String id, int instance) {
        requireNonNull(id, "id");
        HttpExchange exchange = exchanges.get(id);
        if (exchange == null) {
            return new RendezvousClaim.Unknown();
        }
        if (exchange.instance() != instance) {
            return new RendezvousClaim.OtherInstance(exchange.instance());
        }
        return exchange.claimRendezvous() ? new RendezvousClaim.Claimed(exchange) : new RendezvousClaim.Unknown();
    }
}
