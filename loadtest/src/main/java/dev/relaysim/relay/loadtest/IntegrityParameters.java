package dev.relaysim.relay.loadtest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@code integrity} scenario's load.
 *
 * @param listeners   listeners, 25 per hybrid connection
 * @param connections relayed connections, all open at once
 * @param messages    messages per connection and direction
 * @param maxSize     the largest message in bytes (sizes are log-uniform from {@value StreamPattern#HEADER} to it)
 * @param inFlight    listeners or connections being opened at once
 * @param seed        seed of every message's generator
 * @param gatewayHeap the gateway process's {@code -Xmx} value, such as {@code 512m}
 * @param tls         TLS on every connection
 */
record IntegrityParameters(int listeners, int connections, int messages, int maxSize, int inFlight, long seed,
                           String gatewayHeap, boolean tls) {

    static final int DEFAULT_LISTENERS = 1000;
    static final int DEFAULT_CONNECTIONS = 5000;
    static final int DEFAULT_MESSAGES = 16;
    static final int DEFAULT_MAX_SIZE = 128 * 1024;
    static final int DEFAULT_IN_FLIGHT = 100;

    private static final Pattern HEAP = Pattern.compile("(\\d+)([kmg])");
    private static final int MAX_SIZE = 16 * 1024 * 1024 - 1024;

    IntegrityParameters {
        if (listeners < 1) {
            throw new IllegalArgumentException("--listeners: " + listeners + " (expected: >= 1)");
        }
        if (connections < 1) {
            throw new IllegalArgumentException("--connections: " + connections + " (expected: >= 1)");
        }
        if (messages < 1) {
            throw new IllegalArgumentException("--messages: " + messages + " (expected: >= 1)");
        }
        if (maxSize < StreamPattern.HEADER || maxSize > MAX_SIZE) {
            throw new IllegalArgumentException("--size: " + maxSize + " (expected: " + StreamPattern.HEADER + "-"
                    + MAX_SIZE + ")");
        }
        if (inFlight < 1) {
            throw new IllegalArgumentException("--in-flight: " + inFlight + " (expected: >= 1)");
        }
        requireNonNull(gatewayHeap, "gatewayHeap");
        if (!HEAP.matcher(gatewayHeap.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("--gateway-heap: " + gatewayHeap
                    + " (expected: a size such as 512m or 1g)");
        }
    }

    /** Hybrid connections needed for the listeners. */
    int entities() {
        return IdleLoad.entities(listeners);
    }

    /** The gateway's heap limit in bytes. */
    long gatewayHeapBytes() {
        var matcher = HEAP.matcher(gatewayHeap.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalStateException("gatewayHeap: " + gatewayHeap);
        }
        int shift = switch (matcher.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        return Long.parseLong(matcher.group(1)) << shift;
    }

    /** The parameters as the JSON result shows them. */
    Map<String, Object> describe() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("listeners", listeners);
        parameters.put("hybridConnections", entities());
        parameters.put("connections", connections);
        parameters.put("messages", messages);
        parameters.put("maxSize", maxSize);
        parameters.put("inFlight", inFlight);
        parameters.put("seed", seed);
        parameters.put("gatewayHeap", gatewayHeap);
        parameters.put("limits", IntegrityLoad.limits(this));
        parameters.put("tls", tls);
        parameters.put("gateway", "process");
        return parameters;
    }
}
