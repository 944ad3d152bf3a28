package dev.relaysim.relay.gateway.internal.http;

import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.RequestCommand;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a listener is told about an HTTP request: the headers it sees, the rendezvous address, and whether the
 * request fits on the control channel.
 */
public final class ListenerRequests {

    /** Largest body sent on the control channel (bigger or unknown-length bodies go via the rendezvous). */
    public static final int MAX_CONTROL_CHANNEL_BODY = 64 * 1024;
    /** Largest {@code request} command text sent on the control channel (the headers' limit). */
    public static final int MAX_CONTROL_CHANNEL_COMMAND = 32 * 1024;

    /**
     * RFC 7230 hop-by-hop headers, plus {@code Close}, {@code Keep-Alive}, {@code Proxy-Connection} and
     * {@code Expect} (the gateway answers {@code 100-continue} itself).
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "content-length", "te", "trailer", "transfer-encoding", "upgrade", "close", "expect");
    private static final String SERVICE_BUS_AUTHORIZATION =
            HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION.toLowerCase(Locale.ROOT);

    private ListenerRequests() {
    }

    /**
     * The headers as the listener sees them, in order, repeats joined with {@code ", "}: without hop-by-hop
     * headers (and those {@code Connection} names) and {@code Expect}, without {@code ServiceBusAuthorization}, and
     * without {@code Authorization} when it carried the token. {@code Host} and {@code Via} are kept.
     */
    public static Map<String, String> requestHeaders(HttpHeaders headers, boolean authorizationWasToken) {
        Set<String> named = new HashSet<>();
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                named.add(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) || lower.equals(SERVICE_BUS_AUTHORIZATION)
                    || authorizationWasToken && lower.equals("authorization")) {
                continue;
            }
            String name = spelling.computeIfAbsent(lower, first -> header.getKey());
            result.merge(name, header.getValue(), (first, next) -> first + ", " + next);
        }
        return result;
    }

    /**
     * {@code ws[s]://<authority>/$hc/<encoded path>?sb-hc-action=request&sb-hc-id=<id>}.
     *
     * @param authority {@code host:port} of the rendezvous instance
     *                  ({@link dev.relaysim.relay.gateway.internal.rendezvous.RendezvousPorts#authority})
     */
    public static String rendezvousAddress(boolean secure, String authority, String encodedPath, String id) {
        return (secure ? "wss" : "ws") + "://" + authority + '/' + HybridConnectionConstants.HC_SEGMENT + '/'
                + encodedPath + '?' + HybridConnectionConstants.ACTION + '=' + HcAction.REQUEST.wireName() + '&'
                + HybridConnectionConstants.ID + '=' + id;
    }

    /**
     * Whether {@code command} with a body of {@code contentLength} bytes ({@code -1}: unknown, chunked) must go
     * address-only: the body is unknown or over {@value #MAX_CONTROL_CHANNEL_BODY} bytes, or the command text
     * (mostly headers) over {@value #MAX_CONTROL_CHANNEL_COMMAND} characters.
     */
    public static boolean needsRendezvous(RequestCommand command, long contentLength) {
        return contentLength < 0 || contentLength > MAX_CONTROL_CHANNEL_BODY
                || ControlCommandCodec.encode(command).length() > MAX_CONTROL_CHANNEL_COMMAND;
    }
}
