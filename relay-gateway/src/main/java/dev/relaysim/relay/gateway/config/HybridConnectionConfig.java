package dev.relaysim.relay.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static java.util.Objects.requireNonNull;

/**
 * A hybrid connection of a namespace.
 *
 * @param name the entity path: 1-260 of {@code [A-Za-z0-9._-/]}, no leading, trailing or doubled
 *             {@code '/'}; may contain {@code '/'} ({@code "orders/eu"}); unique in its namespace, ignoring case
 * @param requiresClientAuthorization whether senders need a token; listeners always do (default true)
 * @param authorizationRules rules of this hybrid connection only, in addition to the namespace's;
 *                           names unique ignoring case
 * @param userMetadata free text the owner keeps with the entity (Azure's {@code userMetadata}), at most
 *                     {@value #MAX_USER_METADATA_LENGTH} characters; {@code ""} when there is none
 */
public record HybridConnectionConfig(String name, boolean requiresClientAuthorization,
                                     List<AuthorizationRuleConfig> authorizationRules, String userMetadata) {

    /** Azure's limit on {@code userMetadata}. */
    public static final int MAX_USER_METADATA_LENGTH = 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final int MAX_NAME_LENGTH = 260;

    public HybridConnectionConfig {
        requireNonNull(name, "name");
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new InvalidValueException("name", quote(name) + " (expected: 1-" + MAX_NAME_LENGTH
                    + " characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')");
        }
        authorizationRules = List.copyOf(requireNonNull(authorizationRules, "authorizationRules"));
        ConfigChecks.requireUnique("authorizationRules", authorizationRules, "name", AuthorizationRuleConfig::name);
        requireNonNull(userMetadata, "userMetadata");
        if (userMetadata.length() > MAX_USER_METADATA_LENGTH) {
            throw new InvalidValueException("userMetadata", userMetadata.length() + " characters (expected: at "
                    + "most " + MAX_USER_METADATA_LENGTH + ')');
        }
    }

    /** A hybrid connection without user metadata. */
    public HybridConnectionConfig(String name, boolean requiresClientAuthorization,
                                  List<AuthorizationRuleConfig> authorizationRules) {
        this(name, requiresClientAuthorization, authorizationRules, "");
    }
}
