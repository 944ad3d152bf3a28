package dev.relaysim.relay.gateway.internal.management;

/**
 * Answers the requests of one route. Runs on the management server's event loop, so it must not block; a
 * {@link RuntimeException} becomes a 500 {@code InternalServerError}.
 */
@FunctionalInterface
public interface RouteHandler {

    ManagementResponse handle(ManagementRequest request);
}
