package dev.relaysim.relay.gateway.network;

import static java.util.Objects.requireNonNull;

/**
 * What the network policy decided for one connection, with the rule that decided it in words for the log (never
 * for the client, who gets the service's generic refusal).
 */
public sealed interface Admission {

    /** Why, in words: {@code "private endpoint contoso-pe (Approved)"}, {@code "public network access is Disabled"}. */
    String rule();

    /** The connection may proceed to authorization. */
    record Allowed(String rule) implements Admission {
        public Allowed {
            requireNonNull(rule, "rule");
        }
    }

    /**
     * Only a trusted Microsoft service may proceed: no IP rule matched, the default action is Deny and the namespace
     * lets trusted services bypass its rules. The caller decides once it knows who is calling.
     */
    record TrustedServicesOnly(String rule) implements Admission {
        public TrustedServicesOnly {
            requireNonNull(rule, "rule");
        }
    }

    /** The connection is refused: 401 {@code Ip has been prevented to connect to the endpoint.} */
    record Refused(String rule) implements Admission {
        public Refused {
            requireNonNull(rule, "rule");
        }
    }
}
