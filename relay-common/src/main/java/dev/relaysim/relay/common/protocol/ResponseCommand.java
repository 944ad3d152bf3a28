package dev.relaysim.relay.common.protocol;

import org.jspecify.annotations.Nullable;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code {"response":{"requestId":..,"statusCode":..,"statusDescription":..,"responseHeaders":{..},"body":..}}}:
 * the listener's answer to a {@link RequestCommand}; if {@code body} is true, binary frames follow up to the one
 * with FIN set.
 *
 * @param requestId         the {@code id} of the request answered
 * @param statusCode        HTTP status, 100-999
 * @param statusDescription the reason phrase, or {@code null}
 * @param responseHeaders   response headers, in order (never {@code null})
 * @param body              whether binary frames with the body follow
 */
public record ResponseCommand(String requestId, int statusCode, @Nullable String statusDescription,
                              Map<String, String> responseHeaders, boolean body) implements ControlCommand {

    public ResponseCommand {
        requireNonNull(requestId, "requestId");
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("statusCode: " + statusCode + " (expected: 100-999)");
        }
        responseHeaders = Headers.copyOf(responseHeaders, "responseHeaders");
    }
}
