package dev.relaysim.relay.common.protocol;

import org.jspecify.annotations.Nullable;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code {"request":{..}}}: an HTTP request for the listener, in one of two forms.
 * <ul>
 *   <li>Full: {@code address}, {@code id}, {@code requestTarget}, {@code method}, {@code remoteEndpoint},
 *       {@code requestHeaders}, {@code body}; if {@code body} is true exactly one binary message follows.</li>
 *   <li>Address-only ({@link #addressOnly(String, String)}): {@code address} and {@code id}; the listener opens
 *       {@code address} and receives the full form there.</li>
 * </ul>
 *
 * @param address        the request rendezvous URL ({@code sb-hc-action=request}), valid for this request only
 * @param id             the request id, echoed as {@code requestId} in the response
 * @param requestTarget  origin-form path and query, entity path included, {@code sb-hc-*} removed; {@code null}
 *                       exactly when address-only
 * @param method         the HTTP method; {@code null} exactly when address-only
 * @param remoteEndpoint the sender's address, or {@code null}
 * @param requestHeaders the request headers, in order (never {@code null})
 * @param body           whether a binary message with the body follows
 */
public record RequestCommand(String address, String id, @Nullable String requestTarget, @Nullable String method,
                             @Nullable RemoteEndpoint remoteEndpoint, Map<String, String> requestHeaders,
                             boolean body) implements ControlCommand {

    /**
     * @throws IllegalArgumentException if a full-form request has no {@code requestTarget}, or an address-only one
     *                                  carries anything besides {@code address} and {@code id}
     */
    public RequestCommand {
        requireNonNull(address, "address");
        requireNonNull(id, "id");
        requestHeaders = Headers.copyOf(requestHeaders, "requestHeaders");
        if (method != null && requestTarget == null) {
            throw new IllegalArgumentException("requestTarget: null (expected: a request target when method is "
                    + method + ")");
        }
        if (method == null && (requestTarget != null || remoteEndpoint != null || !requestHeaders.isEmpty() || body)) {
            throw new IllegalArgumentException("method: null (expected: a method, or an address-only request "
                    + "without requestTarget, remoteEndpoint, requestHeaders and body)");
        }
    }

    /** {@code {"request":{"address":..,"id":..}}}: the listener fetches the request from {@code address}. */
    public static RequestCommand addressOnly(String address, String id) {
        return new RequestCommand(address, id, null, null, null, Map.of(), false);
    }

    /** Whether this is the address-only form ({@code method} is {@code null}). */
    public boolean isAddressOnly() {
        return method == null;
    }
}
