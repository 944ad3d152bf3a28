package dev.relaysim.relay.gateway.internal.management;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The management server's route table: method + {@link PathPattern} → {@link RouteHandler}, tried in the order
 * added. Immutable; built with {@link #builder()}.
 */
public final class ManagementRoutes {

    /** What {@link #match} found. */
    public sealed interface Match {

        /** A route for the method and path, with the path's parameters. */
        record Found(RouteHandler handler, Map<String, String> pathParameters) implements Match {
        }

        /** Routes exist for the path, but for other methods: 405 with {@code Allow}. */
        record MethodNotAllowed(Set<HttpMethod> allowed) implements Match {
        }

        /** No route has the path: 404. */
        record NotFound() implements Match {
        }
    }

    private record Route(HttpMethod method, PathPattern pattern, RouteHandler handler) {
    }

    private final List<Route> routes;

    private ManagementRoutes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first route for {@code method} and {@code path}. */
    public Match match(HttpMethod method, String path) {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = route.pattern().match(path);
            if (parameters.isEmpty()) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match.Found(route.handler(), parameters.get());
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.MethodNotAllowed(allowed);
    }

    /** Collects routes. */
    public static final class Builder {

        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        /** Adds a route for {@code method} on paths matching {@code template} (see {@link PathPattern}). */
        public Builder route(HttpMethod method, String template, RouteHandler handler) {
            routes.add(new Route(requireNonNull(method, "method"), PathPattern.parse(template),
                    requireNonNull(handler, "handler")));
            return this;
        }

        public ManagementRoutes build() {
            return new ManagementRoutes(routes);
        }
    }
}
