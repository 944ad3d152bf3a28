package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.protocol.EntityPaths;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;

import java.util.Collection;

import static java.util.Objects.requireNonNull;

/**
 * Matches a token's audience ({@code sr}) against a request, leniently enough for every SDK's spelling:
 * <ul>
 *   <li>.NET: {@code http://ns/hc1/} (lower-case host, trailing slash)</li>
 *   <li>Java: {@code sb://ns:9443/hc1}, or the namespace {@code sb://ns[:port]} for senders, sometimes with a
 *       doubled trailing slash</li>
 *   <li>Node: {@code http://ns:443/hc1}, {@code http://localhost:9443/hc1/suffix/x} (port kept, suffix kept)</li>
 * </ul>
 */
public final class SasAudience {

    private SasAudience() {
    }

    /**
     * Whether a token's decoded {@code sr} covers a request. The scheme may be anything, user info, port, query
     * and fragment are ignored, and the host must equal (ignoring case) one of {@code acceptedHosts}. The path is
     * percent-decoded, its leading and trailing {@code '/'} and a leading {@code $hc} segment dropped; it must then
     * be empty (covering every entity of the namespace) or a whole-segment prefix of {@code requestPath}, so
     * {@code hc1} covers {@code hc1} and {@code hc1/suffix/x} but not {@code hc10}. Path comparison is
     * case-sensitive.
     *
     * @param decodedResource the token's {@link SasToken#decodedResource()}
     * @param acceptedHosts   host names the request may be addressed to, without port (IPv6 with or without brackets)
     * @param requestPath     the entity path plus suffix, without leading {@code '/'}, for example {@code hc1/suffix/x}
     */
    public static boolean covers(String decodedResource, Collection<String> acceptedHosts, String requestPath) {
        requireNonNull(decodedResource, "decodedResource");
        requireNonNull(acceptedHosts, "acceptedHosts");
        requireNonNull(requestPath, "requestPath");
        String rest = decodedResource;
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd >= 0) {
            rest = rest.substring(schemeEnd + 3);
        }
        rest = before(before(rest, '#'), '?');
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String rawPath = slash < 0 ? "" : rest.substring(slash);
        String host = host(authority);
        if (host.isEmpty() || acceptedHosts.stream()
                .noneMatch(accepted -> unbracket(accepted).equalsIgnoreCase(host))) {
            return false;
        }
        String path;
        try {
            path = EntityPaths.trimSlashes(PercentCodec.decode(rawPath));
        } catch (IllegalArgumentException e) {
            return false;
        }
        String hc = HybridConnectionConstants.HC_SEGMENT;
        if (path.equals(hc)) {
            path = "";
        } else if (path.startsWith(hc + "/")) {
            path = EntityPaths.trimSlashes(path.substring(hc.length()));
        }
        if (path.isEmpty()) {
            return true;
        }
        String request = EntityPaths.trimSlashes(requestPath);
        return request.equals(path) || request.startsWith(path + "/");
    }

    private static String host(String authority) {
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? "" : hostAndPort.substring(1, close);
        }
        int colon = hostAndPort.indexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String before(String s, char c) {
        int index = s.indexOf(c);
        return index < 0 ? s : s.substring(0, index);
    }
}
