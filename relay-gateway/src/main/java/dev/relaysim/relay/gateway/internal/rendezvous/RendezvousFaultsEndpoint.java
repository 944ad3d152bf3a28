package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.RendezvousFaults;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET} and {@code PUT /relaysim/faults/rendezvous}: the rendezvous fault toggle ({@link RendezvousFaults}) as
 * {@code {"blockedRendezvousPorts":[{"ports":"9500-9599","sources":["127.10.0.0/16"]}]}}. A PUT replaces the list (an
 * empty or missing list unblocks everything) and answers the new state; the next accepted connection sees it. A bad
 * body is 400 {@code BadRequest} (through {@code ArmApi.adminOnly}, which also requires the admin key).
 */
public final class RendezvousFaultsEndpoint {

    /** The route's path. */
    public static final String PATH = "/relaysim/faults/rendezvous";

    private static final Logger logger = LoggerFactory.getLogger(RendezvousFaultsEndpoint.class);

    private final AtomicReference<RendezvousFaults> faults;
    private final PortRange rendezvousPorts;

    /**
     * @param faults          the live toggle the rendezvous ports read
     * @param rendezvousPorts the gateway's rendezvous ports, which blocked ranges must lie in
     */
    public RendezvousFaultsEndpoint(AtomicReference<RendezvousFaults> faults, PortRange rendezvousPorts) {
        this.faults = requireNonNull(faults, "faults");
        this.rendezvousPorts = requireNonNull(rendezvousPorts, "rendezvousPorts");
    }

    public ManagementResponse get(ManagementRequest request) {
        return ManagementResponse.json(HttpResponseStatus.OK, faults.get().toJson());
    }

    public ManagementResponse put(ManagementRequest request) {
        JsonNode body = request.jsonBody(
                "{\"blockedRendezvousPorts\":[{\"ports\":\"9500-9599\",\"sources\":[\"127.10.0.0/16\"]}]}");
        RendezvousFaults updated = RendezvousFaults.fromJson(body, "body").requireWithin(rendezvousPorts, "body");
        faults.set(updated);
        logger.info("rendezvous faults set: {}", updated.toJson());
        return ManagementResponse.json(HttpResponseStatus.OK, updated.toJson());
    }
}
