package dev.relaysim.relay.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The gateway cluster (JSON object {@code cluster}, docs/cluster.md): the nodes' addresses and this node's. Without
 * members the gateway runs alone and starts no cluster engine.
 *
 * @param members the IPv4 addresses of every node, this one included; empty for no cluster
 * @param nodeAddress this node's address, one of {@code members} ("" without a cluster); the node's ports bind
 *                    there unless {@code listen.bindAddress} or {@code dns.bindAddress} is set to another address
 * @param port the port the nodes talk to each other on, the same on every node
 */
public record ClusterSettings(List<String> members, String nodeAddress, int port) {

    public static final int DEFAULT_PORT = 5701;
    /** No cluster: what configurations built in code get. */
    public static final ClusterSettings OFF = new ClusterSettings(List.of(), "", DEFAULT_PORT);

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    public ClusterSettings {
        members = List.copyOf(requireNonNull(members, "members"));
        requireNonNull(nodeAddress, "nodeAddress");
        for (String member : members) {
            if (!IPV4.matcher(member).matches()) {
                throw new InvalidValueException("members", member + " (expected: IPv4 addresses such as "
                        + "127.0.1.1,127.0.1.2)");
            }
        }
        if (members.isEmpty() && !nodeAddress.isEmpty()) {
            throw new InvalidValueException("nodeAddress", nodeAddress + " (expected: only with cluster.members)");
        }
        if (!members.isEmpty() && !members.contains(nodeAddress)) {
            throw new InvalidValueException("nodeAddress", (nodeAddress.isEmpty() ? "(unset)" : nodeAddress)
                    + " (expected: one of the members " + String.join(",", members) + ')');
        }
        if (port < 1 || port > 65535) {
            throw new InvalidValueException("port", port + " (expected: 1-65535)");
        }
    }

    /** The members from their comma-separated form, {@code 127.0.1.1,127.0.1.2}. */
    public static List<String> parseMembers(String text) {
        requireNonNull(text, "text");
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s*,\\s*"));
    }

    /** Whether this gateway is a node of a cluster. */
    public boolean enabled() {
        return !members.isEmpty();
    }
}
