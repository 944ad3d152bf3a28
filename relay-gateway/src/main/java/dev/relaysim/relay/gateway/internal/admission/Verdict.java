package dev.relaysim.relay.gateway.internal.admission;

import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationRequest;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;

import static java.util.Objects.requireNonNull;

/** What the {@link Gatekeeper} decided for one request: admitted, or a {@link Refusal}. */
public sealed interface Verdict permits Verdict.Admitted, Refusal {

    /**
     * The request may go on.
     *
     * @param authorization what was authorized (a listener's control channel renews its token against it)
     * @param grant the grant: the entity matched, the key, the token's expiry
     * @param authorizationHeaderIsToken whether the token came from the {@code Authorization} header (HTTP request
     *                                   mode only), which is then not forwarded to the listener
     */
    record Admitted(AuthorizationRequest authorization, Granted grant, boolean authorizationHeaderIsToken)
            implements Verdict {

        public Admitted {
            requireNonNull(authorization, "authorization");
            requireNonNull(grant, "grant");
        }

        public EntityMatch match() {
            return grant.match();
        }

        public HybridConnection entity() {
            return grant.match().entity();
        }
    }
}
