package dev.relaysim.relay.gateway.internal.dns;

import dev.relaysim.relay.gateway.config.DnsFaults;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET} and {@code PUT /relaysim/dns/faults}: the private DNS zone's failure toggles ({@link DnsFaults}) as
 * {@code {"staleARecords":{"contoso":"127.10.0.9"},"missingARecords":["contoso"]}}. A PUT replaces them all (a field
 * left out means none) and answers the new state; the next DNS answer shows it. Namespaces must exist; a bad body is
 * 400 {@code BadRequest} (through {@code ArmApi.adminOnly}, which also requires the admin key).
 */
public final class DnsFaultsEndpoint {

    /** The route's path. */
    public static final String PATH = "/relaysim/dns/faults";

    private static final Logger logger = LoggerFactory.getLogger(DnsFaultsEndpoint.class);

    private final AtomicReference<DnsFaults> faults;
    private final Set<String> namespaces = new TreeSet<>();

    /**
     * @param faults the live toggles the {@link DnsAnswerer} reads
     * @param namespaces the namespace names toggles may name
     */
    public DnsFaultsEndpoint(AtomicReference<DnsFaults> faults, List<String> namespaces) {
        this.faults = requireNonNull(faults, "faults");
        requireNonNull(namespaces, "namespaces").forEach(name -> this.namespaces.add(name.toLowerCase(Locale.ROOT)));
    }

    public ManagementResponse get(ManagementRequest request) {
        return ManagementResponse.json(HttpResponseStatus.OK, faults.get().toJson());
    }

    public ManagementResponse put(ManagementRequest request) {
        JsonNode body = request.jsonBody("{\"staleARecords\":{\"<namespace>\":\"<IPv4>\"},"
                + "\"missingARecords\":[\"<namespace>\"]}");
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body: " + body + " (expected: an object with staleARecords and "
                    + "missingARecords)");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("staleARecords") && !name.equals("missingARecords")) {
                throw new IllegalArgumentException(name + ": unknown field (expected: staleARecords, "
                        + "missingARecords)");
            }
        }
        Map<String, Inet4Address> stale = new LinkedHashMap<>();
        JsonNode staleNode = body.path("staleARecords");
        if (!staleNode.isMissingNode() && !staleNode.isNull()) {
            if (!staleNode.isObject()) {
                throw new IllegalArgumentException("staleARecords: " + staleNode + " (expected: an object of "
                        + "namespace name to IPv4 address)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = staleNode.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                stale.put(namespace("staleARecords", field.getKey()),
                        address("staleARecords." + field.getKey(), field.getValue()));
            }
        }
        List<String> missing = new ArrayList<>();
        JsonNode missingNode = body.path("missingARecords");
        if (!missingNode.isMissingNode() && !missingNode.isNull()) {
            if (!missingNode.isArray()) {
                throw new IllegalArgumentException("missingARecords: " + missingNode + " (expected: an array of "
                        + "namespace names)");
            }
            for (JsonNode element : missingNode) {
                if (!element.isTextual()) {
                    throw new IllegalArgumentException("missingARecords: " + element + " (expected: a namespace "
                            + "name)");
                }
                missing.add(namespace("missingARecords", element.asText()));
            }
        }
        DnsFaults updated = new DnsFaults(stale, Set.copyOf(missing));
        faults.set(updated);
        logger.info("DNS faults set: {}", updated.toJson());
        return ManagementResponse.json(HttpResponseStatus.OK, updated.toJson());
    }

    private String namespace(String field, String name) {
        if (!namespaces.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(field + ": \"" + name + "\" (expected: one of the namespaces "
                    + namespaces + ')');
        }
        return name;
    }

    private static Inet4Address address(String field, JsonNode value) {
        if (value.isTextual()) {
            try {
                Ipv4Prefix prefix = Ipv4Prefix.parse(value.asText());
                if (prefix.length() == 32) {
                    return prefix.address(0);
                }
            } catch (IllegalArgumentException e) {
                // reported below with the field's path
            }
        }
        throw new IllegalArgumentException(field + ": " + value + " (expected: an IPv4 address such as "
                + "127.10.0.9)");
    }
}
