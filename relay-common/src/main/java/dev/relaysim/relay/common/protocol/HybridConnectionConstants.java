package dev.relaysim.relay.common.protocol;

/**
 * Names and limits of the Hybrid Connections protocol: the {@code $hc} path segment, the
 * {@code sb-hc-*} query parameters and the token header.
 */
public final class HybridConnectionConstants {

    /** First path segment of every WebSocket request: {@code /$hc/<entity>[/suffix]}. */
    public static final String HC_SEGMENT = "$hc";
    /** Prefix of the parameters the relay consumes and hides from listeners (case-insensitive). */
    public static final String PARAMETER_PREFIX = "sb-hc-";
    /** {@code listen}, {@code connect}, {@code accept} or {@code request}. */
    public static final String ACTION = "sb-hc-action";
    /** Connection or listener id; the service appends {@code _G<n>}. */
    public static final String ID = "sb-hc-id";
    /** A URL-encoded SAS token, as an alternative to {@link #SERVICE_BUS_AUTHORIZATION}. */
    public static final String TOKEN = "sb-hc-token";
    /** On an accept address: rejects the sender with this HTTP status. */
    public static final String STATUS_CODE = "sb-hc-statusCode";
    /** On an accept address: the reason phrase that goes with {@link #STATUS_CODE}. */
    public static final String STATUS_DESCRIPTION = "sb-hc-statusDescription";
    /** Header that carries the SAS token on WebSocket upgrades and HTTP requests. */
    public static final String SERVICE_BUS_AUTHORIZATION = "ServiceBusAuthorization";
    /** Documented maximum of listeners connected to one hybrid connection. */
    public static final int MAX_LISTENERS_PER_ENDPOINT = 25;
    /** Largest frame fragment relayed to listeners and senders (the Java SDK's limit, on both sides). */
    public static final int RELAY_FRAGMENT_SIZE = 64 * 1024;

    private HybridConnectionConstants() {
    }
}
