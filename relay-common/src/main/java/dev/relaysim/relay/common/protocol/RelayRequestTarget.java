package dev.relaysim.relay.common.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.relaysim.relay.common.protocol.PercentCodec.quote;
import static java.util.Objects.requireNonNull;

/**
 * A request target parsed once: {@code /$hc/echo/sfx?app=1&sb-hc-action=connect} (WebSocket) or
 * {@code /echo/sfx?q} (HTTP mode).
 *
 * <p>Parsing accepts the origin form only, made of visible ASCII characters. The path is split on
 * {@code '/'}, each segment percent-decoded ({@code '+'} stays a {@code '+'}); {@code .} and
 * {@code ..} segments are refused. The query is split on {@code '&'} and each pair on its first
 * {@code '='}. A pair whose decoded name starts with {@code sb-hc-} (in any case) and that has a
 * value is a relay parameter, hidden from listeners; every other pair, empty ones included, is an
 * application parameter and stays exactly as sent, so that {@link #appQuery()} reproduces the
 * sender's query minus the relay parameters ({@code ?&&a=1&} stays {@code &&a=1&}, as the .NET
 * SDK's {@code HybridRequestTests.QueryString} expects). The known relay parameters
 * ({@code sb-hc-action}, {@code -id}, {@code -token}, {@code -statusCode}, {@code -statusDescription})
 * must decode to UTF-8 and appear at most once; other {@code sb-hc-*} parameters are dropped unread.
 *
 * @param hybridConnectionPath whether the first path segment is {@code $hc}
 * @param path                 the decoded path after {@code /$hc/} (or after {@code /}), without leading or
 *                             trailing {@code '/'}, for example {@code echo/sfx}; never empty
 * @param appParameters        every parameter that is not a relay parameter, in order, raw
 * @param relayParameters      the {@code sb-hc-*} parameters, in order, raw; at most one of each known name
 */
public record RelayRequestTarget(boolean hybridConnectionPath, String path, List<QueryParameter> appParameters,
                                 List<QueryParameter> relayParameters) {

    private static final Set<String> KNOWN_RELAY_PARAMETERS = Set.of(HybridConnectionConstants.ACTION,
                    HybridConnectionConstants.ID, HybridConnectionConstants.TOKEN,
                    HybridConnectionConstants.STATUS_CODE,
                    HybridConnectionConstants.STATUS_DESCRIPTION).stream()
            .map(name -> name.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    /**
     * @throws IllegalArgumentException if the path is empty or has a leading or trailing {@code '/'}, a parameter
     *                                  is in the wrong list, a relay parameter is repeated or does not decode, or
     *                                  the action is unknown
     */
    public RelayRequestTarget {
        requireNonNull(path, "path");
        appParameters = List.copyOf(requireNonNull(appParameters, "appParameters"));
        relayParameters = List.copyOf(requireNonNull(relayParameters, "relayParameters"));
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("path: " + quote(path)
                    + " (expected: an entity path without leading or trailing '/')");
        }
        for (QueryParameter parameter : appParameters) {
            if (parameter.isRelayParameter()) {
                throw new IllegalArgumentException("appParameters: " + quote(parameter.raw())
                        + " is a relay parameter (expected: no " + HybridConnectionConstants.PARAMETER_PREFIX
                        + "* parameter with a value)");
            }
        }
        Set<String> seen = new HashSet<>();
        for (QueryParameter parameter : relayParameters) {
            if (!parameter.isRelayParameter()) {
                throw new IllegalArgumentException("relayParameters: " + quote(parameter.raw())
                        + " is not a relay parameter (expected: " + HybridConnectionConstants.PARAMETER_PREFIX
                        + "<name>=<value>)");
            }
            String name = parameter.name();
            if (!KNOWN_RELAY_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + ": given more than once (expected: at most once)");
            }
            try {
                PercentCodec.decode(parameter.rawValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            if (name.equalsIgnoreCase(HybridConnectionConstants.ACTION)) {
                String value = parameter.value();
                if (HcAction.fromWireName(value).isEmpty()) {
                    throw new IllegalArgumentException(HybridConnectionConstants.ACTION + ": " + quote(value)
                            + " (expected: listen, connect, accept or request)");
                }
            }
        }
    }

    /**
     * Parses an origin-form request target.
     *
     * @throws InvalidRequestTargetException if the target is not in origin form, contains characters other than
     *                                       visible ASCII or a {@code '#'}, has a malformed percent-escape, an
     *                                       empty path or a dot segment, repeats a relay parameter, or names an
     *                                       unknown {@code sb-hc-action}; the message names the value and what was
     *                                       expected
     */
    public static RelayRequestTarget parse(String requestUri) throws InvalidRequestTargetException {
        requireNonNull(requestUri, "requestUri");
        if (!requestUri.startsWith("/")) {
            throw new InvalidRequestTargetException("request target: " + quote(requestUri)
                    + " (expected: origin form, starting with '/')");
        }
        for (int i = 0; i < requestUri.length(); i++) {
            char c = requestUri.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                throw new InvalidRequestTargetException(String.format(
                        "request target: character U+%04X at index %d in %s (expected: visible ASCII other than"
                                + " '#'; percent-encode anything else)", (int) c, i, quote(requestUri)));
            }
        }
        int queryStart = requestUri.indexOf('?');
        String rawPath = queryStart < 0 ? requestUri : requestUri.substring(0, queryStart);
        String rawQuery = queryStart < 0 ? "" : requestUri.substring(queryStart + 1);

        List<String> segments = new ArrayList<>(List.of(rawPath.substring(1).split("/", -1)));
        boolean hybridConnectionPath = decodeSegment(segments.get(0), rawPath)
                .equals(HybridConnectionConstants.HC_SEGMENT);
        if (hybridConnectionPath) {
            segments.remove(0);
        }
        while (!segments.isEmpty() && segments.get(0).isEmpty()) {
            segments.remove(0);
        }
        while (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1);
        }
        if (segments.isEmpty()) {
            throw new InvalidRequestTargetException("path: " + quote(rawPath) + " names no entity (expected: "
                    + (hybridConnectionPath ? "/$hc/<entity>[/suffix]" : "/<entity>[/suffix]") + ")");
        }
        List<String> decoded = new ArrayList<>(segments.size());
        for (String segment : segments) {
            decoded.add(decodeSegment(segment, rawPath));
        }
        String path = String.join("/", decoded);
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidRequestTargetException("path: " + quote(rawPath)
                        + " contains a '" + segment + "' segment (expected: no dot segments)");
            }
        }

        List<QueryParameter> appParameters = new ArrayList<>();
        List<QueryParameter> relayParameters = new ArrayList<>();
        for (String pair : rawQuery.isEmpty() ? new String[0] : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            QueryParameter parameter;
            try {
                parameter = equals < 0
                        ? new QueryParameter(pair, null)
                        : new QueryParameter(pair.substring(0, equals), pair.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestTargetException("query: " + e.getMessage(), e);
            }
            (parameter.isRelayParameter() ? relayParameters : appParameters).add(parameter);
        }
        try {
            return new RelayRequestTarget(hybridConnectionPath, path, appParameters, relayParameters);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestTargetException(e.getMessage(), e);
        }
    }

    /** The {@code sb-hc-action}, or empty when there is none (on {@code $hc} that means {@code connect}). */
    public Optional<HcAction> action() {
        return relayValue(HybridConnectionConstants.ACTION).flatMap(HcAction::fromWireName);
    }

    /** The decoded {@code sb-hc-id}. */
    public Optional<String> id() {
        return relayValue(HybridConnectionConstants.ID);
    }

    /** The {@code sb-hc-token}, decoded once (so it starts with {@code SharedAccessSignature }). */
    public Optional<String> token() {
        return relayValue(HybridConnectionConstants.TOKEN);
    }

    /**
     * The {@code sb-hc-statusCode} of a rejecting listener, else the last unprefixed {@code statusCode} (the hyco-ws
     * spelling) among the application parameters from index {@code firstListenerParameter} on: an accept address
     * carries the sender's own query first, and a sender's {@code statusCode} must not turn an accept into a reject.
     */
    public Optional<QueryParameter> statusCode(int firstListenerParameter) {
        return rejectParameter(HybridConnectionConstants.STATUS_CODE, "statusCode", firstListenerParameter);
    }

    /** The {@code sb-hc-statusDescription}, else the unprefixed one, as {@link #statusCode(int)} finds it. */
    public Optional<QueryParameter> statusDescription(int firstListenerParameter) {
        return rejectParameter(HybridConnectionConstants.STATUS_DESCRIPTION, "statusDescription",
                firstListenerParameter);
    }

    /** The application parameters as sent: {@code a=1&b} without {@code '?'}, or {@code ""} if there are none. */
    public String appQuery() {
        return appParameters.stream().map(QueryParameter::raw).collect(Collectors.joining("&"));
    }

    /**
     * {@link #path()} with each segment percent-encoded again, for building URLs: {@code my hc/x} gives
     * {@code my%20hc/x}. A {@code %2F} inside a segment of the original target comes back as {@code '/'}.
     */
    public String encodedPath() {
        return Arrays.stream(path.split("/", -1)).map(PercentCodec::encode).collect(Collectors.joining("/"));
    }

    /**
     * The target a listener sees in a {@code request} command's {@code requestTarget}, as the service sends it:
     * {@code /<path>} percent-decoded (so {@code /echo/a%20b} gives {@code /echo/a b}, {@code %2F} gives {@code '/'},
     * UTF-8 escapes give their characters, {@code '+'} stays {@code '+'}) plus {@code ?<appQuery>} as the sender sent
     * it. The SDKs encode the path again to build the request URI; {@code docs/protocol.md} has the evidence. Only
     * {@code '%'}, {@code '?'}, {@code '#'} and control characters stay encoded, so that the target still splits
     * into path and query at its first {@code '?'} and decodes back to {@link #path()}.
     */
    public String listenerRequestTarget() {
        String query = appQuery();
        return "/" + encodeTargetDelimiters(path) + (query.isEmpty() ? "" : "?" + query);
    }

    /** {@code path} with {@code '%'}, {@code '?'}, {@code '#'} and control characters as {@code %XX}. */
    private static String encodeTargetDelimiters(String path) {
        StringBuilder out = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean delimiter = c == '%' || c == '?' || c == '#' || c < 0x20 || c == 0x7F;
            if (delimiter && out == null) {
                out = new StringBuilder(path.length() + 8).append(path, 0, i);
            }
            if (delimiter) {
                out.append(PercentCodec.encode(String.valueOf(c)));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? path : out.toString();
    }

    /** The decoded value of the first relay parameter called {@code name} (ignoring case). */
    public Optional<String> relayValue(String name) {
        requireNonNull(name, "name");
        for (QueryParameter parameter : relayParameters) {
            if (parameter.name().equalsIgnoreCase(name)) {
                return Optional.of(parameter.value());
            }
        }
        return Optional.empty();
    }

    private Optional<QueryParameter> rejectParameter(String prefixedName, String unprefixedName,
                                                     int firstListenerParameter) {
        for (QueryParameter parameter : relayParameters) {
            if (parameter.name().equalsIgnoreCase(prefixedName)) {
                return Optional.of(parameter);
            }
        }
        for (int i = appParameters.size() - 1; i >= Math.max(firstListenerParameter, 0); i--) {
            QueryParameter parameter = appParameters.get(i);
            if (parameter.rawValue() != null && parameter.name().equals(unprefixedName)) {
                return Optional.of(parameter);
            }
        }
        return Optional.empty();
    }

    private static String decodeSegment(String segment, String rawPath) throws InvalidRequestTargetException {
        try {
            return PercentCodec.decode(segment);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestTargetException("path: " + e.getMessage()
                    + (segment.length() < rawPath.length() ? " of " + quote(rawPath) : ""), e);
        }
    }
}
