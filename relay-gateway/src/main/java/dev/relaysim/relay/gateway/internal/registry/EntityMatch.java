package dev.relaysim.relay.gateway.internal.registry;

import static java.util.Objects.requireNonNull;

/**
 * A request path resolved to a hybrid connection.
 *
 * @param entity the hybrid connection whose name is the longest registered prefix of the path
 * @param requestPath the whole decoded path after {@code /$hc/}, as the client sent it, for example {@code echo/sfx}
 * @param suffix what follows the entity name, without the separating {@code '/'}; {@code ""} if nothing does
 */
public record EntityMatch(HybridConnection entity, String requestPath, String suffix) {

    public EntityMatch {
        requireNonNull(entity, "entity");
        requireNonNull(requestPath, "requestPath");
        requireNonNull(suffix, "suffix");
    }
}
