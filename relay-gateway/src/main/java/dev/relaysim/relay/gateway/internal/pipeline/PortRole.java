package dev.relaysim.relay.gateway.internal.pipeline;

/**
 * What a gateway port serves, which decides its pipeline ({@link GatewayChannelInitializer}).
 * <p>
 * A front-end port whose number lies in the rendezvous range (the default TLS port 9443 is the port of g43) is bound
 * once, with role {@link #BOTH}: the gateway cannot listen twice on one port.
 */
public enum PortRole {

    /** A front end: listeners' control channels ({@code listen}), senders ({@code connect}, HTTP requests). */
    FRONT_END(true, false),
    /** The rendezvous port of one gateway instance: the {@code accept} and {@code request} addresses. */
    RENDEZVOUS(false, true),
    /** A front end on the rendezvous port of an instance: everything either serves. */
    BOTH(true, true);

    private final boolean frontEnd;
    private final boolean rendezvous;

    PortRole(boolean frontEnd, boolean rendezvous) {
        this.frontEnd = frontEnd;
        this.rendezvous = rendezvous;
    }

    /** Whether the port serves listen, connect and HTTP requests. */
    public boolean servesFrontEnd() {
        return frontEnd;
    }

    /** Whether the port serves one instance's accept and request addresses. */
    public boolean servesRendezvous() {
        return rendezvous;
    }
}
