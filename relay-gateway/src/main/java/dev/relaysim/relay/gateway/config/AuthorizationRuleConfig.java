package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.auth.AccessRight;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static java.util.Objects.requireNonNull;

/**
 * A shared access authorization rule of a namespace or a hybrid connection: a key name, two keys,
 * and the rights a token signed with either key grants.
 *
 * @param name the key name ({@code skn} in tokens): 1-256 of {@code [A-Za-z0-9._-]}
 * @param primaryKey 1-256 characters, used as-is (its UTF-8 bytes are the HMAC key, it is not base64-decoded)
 * @param secondaryKey likewise; the loader uses the primary key when the JSON leaves it out
 * @param rights not empty; {@code Manage} only together with {@code Listen} and {@code Send}, as in Azure
 * @param trustedService whether a caller whose token is signed with this rule's key counts as a trusted Microsoft
 *                       service, which a namespace with {@code trustedServiceAccessEnabled} lets past its IP rules
 *                       (default false)
 */
public record AuthorizationRuleConfig(String name, String primaryKey, String secondaryKey, Set<AccessRight> rights,
                                      boolean trustedService) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,256}");
    private static final int MAX_KEY_LENGTH = 256;

    public AuthorizationRuleConfig {
        requireNonNull(name, "name");
        requireNonNull(primaryKey, "primaryKey");
        requireNonNull(secondaryKey, "secondaryKey");
        requireNonNull(rights, "rights");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidValueException("name", quote(name)
                    + " (expected: 1-256 characters of A-Z, a-z, 0-9, '.', '_', '-')");
        }
        requireKey("primaryKey", primaryKey);
        requireKey("secondaryKey", secondaryKey);
        if (rights.isEmpty()) {
            throw new InvalidValueException("rights", "[] (expected: one or more of Listen, Send, Manage)");
        }
        rights = Collections.unmodifiableSet(EnumSet.copyOf(rights));
        if (rights.contains(AccessRight.MANAGE)
            && !(rights.contains(AccessRight.LISTEN) && rights.contains(AccessRight.SEND))) {
            throw new InvalidValueException("rights", wireNames(rights)
                    + " (expected: Manage only together with Listen and Send)");
        }
    }

    /** A rule of an ordinary caller (not a trusted service). */
    public AuthorizationRuleConfig(String name, String primaryKey, String secondaryKey, Set<AccessRight> rights) {
        this(name, primaryKey, secondaryKey, rights, false);
    }

    /** Never shows the keys. */
    @Override
    public String toString() {
        return "AuthorizationRuleConfig[name=" + name + ", rights=" + wireNames(rights)
                + (trustedService ? ", trustedService" : "") + ']';
    }

    private static void requireKey(String field, String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new InvalidValueException(field, key.length() + " characters (expected: 1-"
                    + MAX_KEY_LENGTH + ')');
        }
    }

    private static String wireNames(Set<AccessRight> rights) {
        return rights.stream().map(AccessRight::wireName).collect(Collectors.joining(", ", "[", "]"));
    }
}
