package dev.relaysim.relay.gateway.internal.auth;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.internal.registry.Namespace;

import static java.util.Objects.requireNonNull;

/**
 * What a request asks for.
 *
 * @param namespace the namespace the request's host resolved to
 * @param path the decoded path after {@code /$hc/}: entity name plus any suffix
 * @param requestHost the host part of the request's {@code Host} header (accepted in token audiences besides the
 *                    namespace's host name), or {@code ""}
 * @param token the token as sent (header or decoded {@code sb-hc-token}), or {@code null} when there was none
 * @param right {@link AccessRight#LISTEN} for listeners, {@link AccessRight#SEND} for senders
 */
public record AuthorizationRequest(Namespace namespace, String path, String requestHost, String token,
                                   AccessRight right) {

    public AuthorizationRequest {
        requireNonNull(namespace, "namespace");
        requireNonNull(path, "path");
        requireNonNull(requestHost, "requestHost");
        requireNonNull(right, "right");
        if (right == AccessRight.MANAGE) {
            throw new IllegalArgumentException("right: Manage (expected: Listen or Send)");
        }
    }

    /** The same request with another token, as a listener's {@code renewToken} presents it. */
    public AuthorizationRequest withToken(String newToken) {
        return new AuthorizationRequest(namespace, path, requestHost, newToken, right);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "AuthorizationRequest[" + right.wireName() + " " + namespace.hostName() + '/' + path
                + (token == null ? ", no token]" : ", token]");
    }
}
