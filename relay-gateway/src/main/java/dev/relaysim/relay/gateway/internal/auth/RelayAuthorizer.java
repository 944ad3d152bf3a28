package dev.relaysim.relay.gateway.internal.auth;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.auth.SasAudience;
import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Granted;
import dev.relaysim.relay.gateway.internal.auth.AuthorizationDecision.Refused;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import dev.relaysim.relay.gateway.internal.registry.HybridConnection;
import dev.relaysim.relay.gateway.internal.registry.Namespace;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Decides whether a listen or connect request may go on, the way the service does:
 * <ol>
 *   <li>the path must name a hybrid connection of the namespace, else 404 {@code Endpoint does not exist.};</li>
 *   <li>a sender to a hybrid connection with {@code requiresClientAuthorization=false} needs no token;</li>
 *   <li>otherwise the token must be present and well formed, name a rule of the namespace or the hybrid
 *       connection ({@code skn}), be signed with that rule's primary or secondary key and not be expired, else
 *       401;</li>
 *   <li>its audience ({@code sr}) must cover the path on the namespace's host name or the request's host, and the
 *       rule must grant the right ({@code Manage} implies {@code Listen} and {@code Send}), else 403.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class RelayAuthorizer {

    static final String ENDPOINT_DOES_NOT_EXIST = "Endpoint does not exist.";
    static final String INVALID_SIGNATURE = "The token has an invalid signature.";

    private static final DateTimeFormatter EXPIRY_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public RelayAuthorizer(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    public AuthorizationDecision authorize(AuthorizationRequest request) {
        requireNonNull(request, "request");
        Namespace namespace = request.namespace();
        Optional<EntityMatch> found = namespace.match(request.path());
        if (found.isEmpty()) {
            return new Refused(404, ENDPOINT_DOES_NOT_EXIST, "no hybrid connection matches '" + request.path() + "'",
                    namespace.hostName() + ':' + request.path());
        }
        EntityMatch match = found.get();
        HybridConnection entity = match.entity();
        String tracker = entity.systemTracker();
        if (request.right() == AccessRight.SEND && !entity.requiresClientAuthorization()) {
            return new Granted(match, null, null);
        }
        String text = request.token();
        if (text == null || text.isBlank()) {
            return new Refused(401, "MissingToken: The request has no token. Send a SharedAccessSignature in the "
                    + "ServiceBusAuthorization header or the sb-hc-token query parameter.", "no token", tracker);
        }
        SasToken token;
        try {
            token = SasToken.parse(text);
        } catch (SasTokenException e) {
            return new Refused(401, "MalformedToken: " + e.getMessage(), "malformed token", tracker);
        }
        List<AuthorizationRuleConfig> candidates = rulesNamed(namespace, entity, token.keyName());
        if (candidates.isEmpty()) {
            return new Refused(401, INVALID_SIGNATURE, "unknown key name '" + token.keyName() + "'", tracker);
        }
        AuthorizationRuleConfig rule = null;
        for (AuthorizationRuleConfig candidate : candidates) {
            if (SharedAccessSignature.verify(token, candidate.primaryKey())
                    || SharedAccessSignature.verify(token, candidate.secondaryKey())) {
                rule = candidate;
                break;
            }
        }
        if (rule == null) {
            return new Refused(401, INVALID_SIGNATURE, "signature does not match key name '" + token.keyName() + "'",
                    tracker);
        }
        Instant expiresAt = token.expiresAt();
        if (!expiresAt.isAfter(clock.instant())) {
            return new Refused(401, "ExpiredToken: The token is expired. Expiration time: '"
                    + EXPIRY_FORMAT.format(expiresAt) + "'", "token expired at " + expiresAt, tracker);
        }
        Set<String> acceptedHosts = new LinkedHashSet<>();
        acceptedHosts.add(namespace.hostName());
        acceptedHosts.add(namespace.privateLinkHostName());
        if (!request.requestHost().isEmpty()) {
            acceptedHosts.add(request.requestHost());
        }
        String audience = token.decodedResource();
        if (!SasAudience.covers(audience, acceptedHosts, match.requestPath())) {
            return new Refused(403, "InvalidAudience: Unauthorized access. The token audience '" + audience
                    + "' does not cover the resource 'sb://" + namespace.hostName() + '/' + match.requestPath()
                    + "'.", "audience '" + audience + "' does not cover " + acceptedHosts + " / "
                    + match.requestPath(), tracker);
        }
        if (!grants(rule.rights(), request.right())) {
            String claim = request.right().wireName();
            return new Refused(403, "Unauthorized access. '" + claim + "' claim(s) are required to perform this "
                    + "operation. Resource: '" + entity.resourceUri() + "'.",
                    "key name '" + rule.name() + "' lacks the " + claim + " right", tracker);
        }
        return new Granted(match, rule.name(), expiresAt);
    }

    private static List<AuthorizationRuleConfig> rulesNamed(Namespace namespace, HybridConnection entity,
                                                            String keyName) {
        List<AuthorizationRuleConfig> rules = new ArrayList<>(2);
        for (AuthorizationRuleConfig rule : namespace.authorizationRules()) {
            if (rule.name().equalsIgnoreCase(keyName)) {
                rules.add(rule);
            }
        }
        for (AuthorizationRuleConfig rule : entity.authorizationRules()) {
            if (rule.name().equalsIgnoreCase(keyName)) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static boolean grants(Set<AccessRight> rights, AccessRight right) {
        return rights.contains(right) || rights.contains(AccessRight.MANAGE);
    }
}
