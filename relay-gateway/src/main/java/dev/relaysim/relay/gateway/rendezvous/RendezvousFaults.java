package dev.relaysim.relay.gateway.rendezvous;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's rendezvous fault toggle: the blocked sub-ranges of the rendezvous ports, from config
 * ({@code faults.blockedRendezvousPorts}) or {@code PUT /relaysim/faults/rendezvous}. A matching connection is
 * closed with a TCP reset as soon as it is accepted.
 *
 * @param blockedRendezvousPorts the blocked ranges; empty for none
 */
public record RendezvousFaults(List<RendezvousFault> blockedRendezvousPorts) {

    /** Nothing blocked. */
    public static final RendezvousFaults NONE = new RendezvousFaults(List.of());

    private static final String EXPECTED = "{\"blockedRendezvousPorts\":[{\"ports\":\"9500-9599\","
            + "\"sources\":[\"127.10.0.0/16\"]}]}";

    public RendezvousFaults {
        blockedRendezvousPorts = List.copyOf(requireNonNull(blockedRendezvousPorts, "blockedRendezvousPorts"));
    }

    /** The first fault that refuses a connection from {@code source} to {@code port}, if any. */
    public Optional<RendezvousFault> blocking(int port, InetAddress source) {
        requireNonNull(source, "source");
        return blockedRendezvousPorts.stream().filter(fault -> fault.blocks(port, source)).findFirst();
    }

    /**
     * Checks that every blocked range lies inside the gateway's rendezvous ports.
     *
     * @param path where the object sits, for messages
     * @throws IllegalArgumentException naming the range, such as
     *         {@code faults.blockedRendezvousPorts[0].ports: 9700-9799 (expected: inside the rendezvous ports
     *         9400-9599)}
     */
    public RendezvousFaults requireWithin(PortRange rendezvousPorts, String path) {
        requireNonNull(rendezvousPorts, "rendezvousPorts");
        for (int i = 0; i < blockedRendezvousPorts.size(); i++) {
            PortRange ports = blockedRendezvousPorts.get(i).ports();
            if (rendezvousPorts.instanceOf(ports.first()) < 0 || rendezvousPorts.instanceOf(ports.last()) < 0) {
                throw new IllegalArgumentException(path + ".blockedRendezvousPorts[" + i + "].ports: " + ports
                        + " (expected: inside the rendezvous ports " + rendezvousPorts + ')');
            }
        }
        return this;
    }

    /** The JSON form the management API answers and takes. */
    public Map<String, Object> toJson() {
        return Map.of("blockedRendezvousPorts", blockedRendezvousPorts.stream().map(RendezvousFault::toJson).toList());
    }

    /**
     * Reads the JSON form, {@code {"blockedRendezvousPorts":[{"ports":"9500-9599","sources":["127.10.0.0/16"]}]}};
     * a missing or null list means none.
     *
     * @param path where the object sits, for messages ({@code faults} in the config, {@code body} in the API)
     * @throws IllegalArgumentException naming the field, the value and what was expected
     */
    public static RendezvousFaults fromJson(JsonNode node, String path) {
        requireNonNull(path, "path");
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(path + ": " + node + " (expected: an object such as " + EXPECTED + ')');
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("blockedRendezvousPorts")) {
                throw new IllegalArgumentException(path + '.' + shown(name)
                        + ": unknown field (expected: blockedRendezvousPorts)");
            }
        }
        JsonNode list = node.path("blockedRendezvousPorts");
        if (list.isMissingNode() || list.isNull()) {
            return NONE;
        }
        String listPath = path + ".blockedRendezvousPorts";
        if (!list.isArray()) {
            throw new IllegalArgumentException(listPath + ": " + list + " (expected: an array such as "
                    + "[{\"ports\":\"9500-9599\",\"sources\":[\"127.10.0.0/16\"]}])");
        }
        List<RendezvousFault> faults = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            faults.add(fault(list.get(i), listPath + '[' + i + ']'));
        }
        return new RendezvousFaults(faults);
    }

    private static RendezvousFault fault(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(path + ": " + node + " (expected: {\"ports\":\"9500-9599\","
                    + "\"sources\":[\"127.10.0.0/16\"]})");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("ports") && !name.equals("sources")) {
                throw new IllegalArgumentException(path + '.' + shown(name)
                        + ": unknown field (expected: ports, sources)");
            }
        }
        JsonNode portsNode = node.path("ports");
        if (!portsNode.isTextual() && !portsNode.isInt()) {
            throw new IllegalArgumentException(path + ".ports: " + portsNode
                    + " (expected: a port range such as \"9500-9599\", or one port)");
        }
        PortRange ports;
        try {
            ports = PortRange.parse(portsNode.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ".ports: " + e.getMessage(), e);
        }
        JsonNode sourcesNode = node.path("sources");
        if (!sourcesNode.isArray() || sourcesNode.isEmpty()) {
            throw new IllegalArgumentException(path + ".sources: "
                    + (sourcesNode.isMissingNode() ? "missing" : sourcesNode)
                    + " (expected: IPv4 prefixes such as [\"127.10.0.0/16\"], or [\"0.0.0.0/0\"] for every source)");
        }
        List<Ipv4Prefix> sources = new ArrayList<>();
        for (int i = 0; i < sourcesNode.size(); i++) {
            JsonNode source = sourcesNode.get(i);
            try {
                if (!source.isTextual()) {
                    throw new IllegalArgumentException(source + " (expected: an IPv4 prefix such as 127.10.0.0/16)");
                }
                sources.add(Ipv4Prefix.parse(source.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ".sources[" + i + "]: " + e.getMessage(), e);
            }
        }
        return new RendezvousFault(ports, sources);
    }

    /** A field name for a path: an empty one quoted, so that the path does not end in '.'. */
    private static String shown(String name) {
        return name.isEmpty() ? "\"\"" : name;
    }
}
