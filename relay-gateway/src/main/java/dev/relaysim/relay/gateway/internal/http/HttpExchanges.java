package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.gateway.internal.control.HttpResponseReceiver;
import dev.relaysim.relay.gateway.internal.control.HttpResponseRouter;
import dev.relaysim.relay.gateway.internal.registry.ListenerConnection;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP exchanges under way, by request id (which is also the id of the request's rendezvous address). An
 * exchange is in the table from the moment its {@code request} goes out until it ends. Thread-safe.
 */
public final class HttpExchanges implements HttpResponseRouter {

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
        return exchange != null && exchange.listener() == from && exchange.claimResponse() ? Optional.of(exchange)
                : Optional.empty();
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
