package dev.relaysim.relay.gateway.internal.management;

import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /relaysim/ca.pem}: the development CA certificate in PEM, without authorization (it holds no secret), so
 * that a client outside the gateway's file system (a container's host, a test) can trust the gateway's TLS.
 */
public final class CaCertificateEndpoint implements RouteHandler {

    /** The route's path. */
    public static final String PATH = "/relaysim/ca.pem";
    static final String CONTENT_TYPE = "application/x-pem-file";

    private final Supplier<DevCertificateAuthority> certificateAuthority;

    /** @param certificateAuthority the gateway's current CA (kept when the server certificate is reissued) */
    public CaCertificateEndpoint(Supplier<DevCertificateAuthority> certificateAuthority) {
        this.certificateAuthority = requireNonNull(certificateAuthority, "certificateAuthority");
    }

    @Override
    public ManagementResponse handle(ManagementRequest request) {
        return new ManagementResponse(HttpResponseStatus.OK, CONTENT_TYPE,
                certificateAuthority.get().caCertificatePemBytes(), Map.of());
    }
}
