package dev.relaysim.relay.gateway.network;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A namespace's public-network settings, as ARM's {@code networkRuleSets/default} holds them: IP rules (all
 * {@code Allow}, first match wins), the default action for the rest, and whether trusted Microsoft services bypass
 * the rules.
 */
public record NetworkRuleSet(PublicNetworkAccess publicNetworkAccess, DefaultAction defaultAction,
                             List<Ipv4Prefix> ipRules, boolean trustedServiceAccessEnabled) {

    /** Azure's limit of IP rules per namespace. */
    public static final int MAX_IP_RULES = 128;

    /** Public access Enabled, default action Allow, no rules: what a new namespace has. */
    public static final NetworkRuleSet OPEN = new NetworkRuleSet(PublicNetworkAccess.ENABLED, DefaultAction.ALLOW,
            List.of(), false);

    public NetworkRuleSet {
        requireNonNull(publicNetworkAccess, "publicNetworkAccess");
        requireNonNull(defaultAction, "defaultAction");
        ipRules = List.copyOf(requireNonNull(ipRules, "ipRules"));
        if (ipRules.size() > MAX_IP_RULES) {
            throw new IllegalArgumentException("ipRules: " + ipRules.size() + " rules (expected: at most "
                    + MAX_IP_RULES + ')');
        }
    }
}
