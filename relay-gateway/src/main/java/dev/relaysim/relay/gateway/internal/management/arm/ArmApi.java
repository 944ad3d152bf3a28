package dev.relaysim.relay.gateway.internal.management.arm;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.internal.events.EventJournal;
import dev.relaysim.relay.gateway.internal.events.RelayEvent;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes;
import dev.relaysim.relay.gateway.internal.management.RouteHandler;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.QuotaExceededException;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The ARM-shaped management API on the management server: the routes of {@link NetworkResources}
 * ({@code Microsoft.Network} virtual networks and private endpoints) and {@link RelayResources}
 * ({@code Microsoft.Relay} namespaces and what hangs below them), each guarded here:
 * <ul>
 *   <li>{@code Authorization: Bearer <listen.management.adminKey>} is required: 401 {@code AuthenticationFailed}
 *       without the header, 401 {@code InvalidAuthenticationToken} with another scheme or key (both with
 *       {@code WWW-Authenticate: Bearer});</li>
 *   <li>any {@code api-version} is accepted; one relaysim does not know (or none) gets a {@code Warning: 299}
 *       header, and the answer has the shape of {@value #ANSWERED_SHAPE};</li>
 *   <li>a refusal ({@link ArmException}) is answered as ARM answers: {@code {"error":{"code","message"}}}; a
 *       change past Azure's limits (65th private endpoint of a namespace, 65th namespace with private endpoints,
 *       a full subnet) is 409 {@code QuotaExceeded}; each refusal is logged once at INFO;</li>
 *   <li>every response carries an {@code x-ms-request-id}.</li>
 * </ul>
 * Changes run on the management event loop through {@link NetworkState#update}, whose listeners then enforce them
 * on open connections.
 */
public final class ArmApi {

    static final String ANSWERED_SHAPE = "2021-11-01";
    /** The Microsoft.Relay api-versions of the Azure REST specs. */
    static final List<String> RELAY_API_VERSIONS = List.of("2016-07-01", "2017-04-01", "2018-01-01-preview",
            "2021-11-01", "2024-01-01", "2026-01-01", "2026-07-01-preview");
    /** Microsoft.Network has privateEndpoints from 2019-04-01 on and a new api-version every few months. */
    static final String FIRST_NETWORK_API_VERSION = "2019-04-01";

    private static final Logger logger = LoggerFactory.getLogger(ArmApi.class);
    private static final Pattern DATED_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    private static final String BEARER = "Bearer ";
    private static final String RELAY = "Microsoft.Relay";
    private static final String NETWORK = "Microsoft.Network";

    private final byte[] adminKey;
    private final NetworkResources network;
    private final RelayResources relay;
    private final EventJournal events;

    /**
     * @param config the admin key
     * @param registry the live namespaces, hybrid connections and rules the API shows and changes
     * @param state the live network model the API reads and changes
     */
    public ArmApi(GatewayConfig config, NamespaceRegistry registry, NetworkState state) {
        this(config, registry, state, new EventJournal(1));
    }

    /** With the journal that gets a {@code ManagementChange} event for every successful change. */
    public ArmApi(GatewayConfig config, NamespaceRegistry registry, NetworkState state, EventJournal events) {
        requireNonNull(config, "config");
        this.events = requireNonNull(events, "events");
        adminKey = config.listen().managementAdminKey().getBytes(StandardCharsets.UTF_8);
        network = new NetworkResources(registry, state);
        relay = new RelayResources(registry, state);
    }

    /** Adds the API's routes to {@code routes}. */
    public ManagementRoutes.Builder addRoutes(ManagementRoutes.Builder routes) {
        String vnets = NetworkResources.VIRTUAL_NETWORKS;
        String endpoints = NetworkResources.PRIVATE_ENDPOINTS;
        String ns = RelayResources.NAMESPACE;
        String hc = ns + "/hybridConnections/{hybridConnection}";
        routes.route(HttpMethod.GET, vnets, guarded(NETWORK, network::listVirtualNetworks))
                .route(HttpMethod.GET, vnets + "/{name}", guarded(NETWORK, network::getVirtualNetwork))
                .route(HttpMethod.PUT, vnets + "/{name}", guarded(NETWORK, network::putVirtualNetwork))
                .route(HttpMethod.DELETE, vnets + "/{name}", guarded(NETWORK, network::deleteVirtualNetwork))
                .route(HttpMethod.GET, endpoints, guarded(NETWORK, network::listPrivateEndpoints))
                .route(HttpMethod.GET, endpoints + "/{name}", guarded(NETWORK, network::getPrivateEndpoint))
                .route(HttpMethod.PUT, endpoints + "/{name}", guarded(NETWORK, network::putPrivateEndpoint))
                .route(HttpMethod.DELETE, endpoints + "/{name}", guarded(NETWORK, network::deletePrivateEndpoint))
                .route(HttpMethod.GET, RelayResources.NAMESPACES, guarded(RELAY, relay::listNamespaces))
                .route(HttpMethod.GET, ns, guarded(RELAY, relay::getNamespace))
                .route(HttpMethod.PUT, ns, guarded(RELAY, relay::putNamespace))
                .route(HttpMethod.DELETE, ns, guarded(RELAY, relay::deleteNamespace))
                .route(HttpMethod.GET, ns + "/privateEndpointConnections", guarded(RELAY, relay::listConnections))
                .route(HttpMethod.GET, ns + "/privateEndpointConnections/{name}", guarded(RELAY, relay::getConnection))
                .route(HttpMethod.PUT, ns + "/privateEndpointConnections/{name}", guarded(RELAY, relay::putConnection))
                .route(HttpMethod.DELETE, ns + "/privateEndpointConnections/{name}",
                        guarded(RELAY, relay::deleteConnection))
                .route(HttpMethod.GET, ns + "/privateLinkResources", guarded(RELAY, relay::listPrivateLinkResources))
                .route(HttpMethod.GET, ns + "/privateLinkResources/{name}",
                        guarded(RELAY, relay::getPrivateLinkResource))
                .route(HttpMethod.GET, ns + "/networkRuleSets", guarded(RELAY, relay::listNetworkRuleSets))
                .route(HttpMethod.GET, ns + "/networkRuleSets/{name}", guarded(RELAY, relay::getNetworkRuleSet))
                .route(HttpMethod.PUT, ns + "/networkRuleSets/{name}", guarded(RELAY, relay::putNetworkRuleSet))
                .route(HttpMethod.GET, ns + "/hybridConnections", guarded(RELAY, relay::listHybridConnections))
                .route(HttpMethod.GET, hc, guarded(RELAY, relay::getHybridConnection))
                .route(HttpMethod.PUT, hc, guarded(RELAY, relay::putHybridConnection))
                .route(HttpMethod.DELETE, hc, guarded(RELAY, relay::deleteHybridConnection));
        for (String parent : List.of(ns, hc)) {
            routes.route(HttpMethod.GET, parent + "/authorizationRules", guarded(RELAY, relay::listAuthorizationRules))
                    .route(HttpMethod.GET, parent + "/authorizationRules/{name}",
                            guarded(RELAY, relay::getAuthorizationRule))
                    .route(HttpMethod.PUT, parent + "/authorizationRules/{name}",
                            guarded(RELAY, relay::putAuthorizationRule))
                    .route(HttpMethod.DELETE, parent + "/authorizationRules/{name}",
                            guarded(RELAY, relay::deleteAuthorizationRule))
                    .route(HttpMethod.POST, parent + "/authorizationRules/{name}/listKeys",
                            guarded(RELAY, relay::listKeys))
                    .route(HttpMethod.POST, parent + "/authorizationRules/{name}/regenerateKeys",
                            guarded(RELAY, relay::regenerateKeys));
        }
        return routes;
    }

    /**
     * {@code handler} behind the admin key, for relaysim's own routes under {@code /relaysim/...}: 401 as on the ARM
     * routes, a refusal ({@link IllegalArgumentException}) 400 {@code BadRequest}, no api-version.
     */
    public RouteHandler adminOnly(RouteHandler handler) {
        requireNonNull(handler, "handler");
        return request -> {
            ManagementResponse response = authenticate(request);
            return response != null ? response : handle(handler, request);
        };
    }

    /** 204 without a body: a DELETE of a resource that does not exist. */
    static ManagementResponse noContent() {
        return new ManagementResponse(HttpResponseStatus.NO_CONTENT, ManagementResponse.JSON, new byte[0], Map.of());
    }

    private RouteHandler guarded(String provider, RouteHandler handler) {
        return request -> {
            ManagementResponse response = authenticate(request);
            if (response == null) {
                response = handle(handler, request);
                String warning = apiVersionWarning(provider, request);
                if (warning != null) {
                    response = response.withHeader(HttpHeaderNames.WARNING.toString(), warning);
                }
            }
            return response.withHeader("x-ms-request-id", UUID.randomUUID().toString());
        };
    }

    private ManagementResponse handle(RouteHandler handler, ManagementRequest request) {
        try {
            ManagementResponse response = handler.handle(request);
            if (!request.method().equals(HttpMethod.GET) && response.status().code() < 300
                    && !request.path().endsWith("/listKeys")) {
                journalChange(request, response);
            }
            return response;
        } catch (ArmException e) {
            logger.info("management {} {} refused {} {}: {}", request.method(), request.path(), e.status().code(),
                    e.code(), e.getMessage());
            return e.toResponse();
        } catch (QuotaExceededException e) {
            logger.info("management {} {} refused 409 QuotaExceeded: {}", request.method(), request.path(),
                    e.getMessage());
            return ManagementResponse.error(HttpResponseStatus.CONFLICT, "QuotaExceeded",
                    "The operation would exceed a limit of Azure: " + e.getMessage() + '.');
        } catch (IllegalArgumentException e) {
            logger.info("management {} {} refused 400 BadRequest: {}", request.method(), request.path(),
                    e.getMessage());
            return ManagementResponse.error(HttpResponseStatus.BAD_REQUEST, "BadRequest",
                    "The request content was invalid: " + e.getMessage() + '.');
        }
    }

    /** A {@code ManagementChange} event: what was changed, by which method, and the status it was answered. */
    private void journalChange(ManagementRequest request, ManagementResponse response) {
        Map<String, String> parameters = request.pathParameters();
        events.record(new RelayEvent(Instant.now(), RelayEvent.Operation.MANAGEMENT_CHANGE,
                parameters.get("namespace"), parameters.get("hybridConnection"), null, null, null,
                request.method() + " " + request.path() + ": " + response.status().code(),
                RelayEvent.newDetails().put("action", request.method().name()).put("resource", request.path())
                        .put("statusCode", response.status().code())));
    }

    /** Null when the request carries the admin key, else the 401. */
    private @Nullable ManagementResponse authenticate(ManagementRequest request) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String code;
        String message;
        if (authorization == null) {
            code = "AuthenticationFailed";
            message = "Authentication failed. The 'Authorization' header is missing (expected: Bearer <admin key>, "
                    + "listen.management.adminKey).";
        } else if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || !MessageDigest.isEqual(adminKey, authorization.substring(BEARER.length()).strip()
                .getBytes(StandardCharsets.UTF_8))) {
            code = "InvalidAuthenticationToken";
            message = "The access token is invalid (expected: Authorization: Bearer <admin key>, "
                    + "listen.management.adminKey).";
        } else {
            return null;
        }
        logger.info("management {} {} refused 401 {}", request.method(), request.path(), code);
        return ManagementResponse.error(HttpResponseStatus.UNAUTHORIZED, code, message)
                .withHeader(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer");
    }

    /** The {@code Warning} for an api-version relaysim does not know, or null. */
    private static @Nullable String apiVersionWarning(String provider, ManagementRequest request) {
        List<String> values = request.query().getOrDefault("api-version", List.of());
        String version = values.isEmpty() ? null : values.get(0);
        boolean known = version != null && (provider.equals(RELAY) ? RELAY_API_VERSIONS.contains(version)
                : DATED_VERSION.matcher(version).matches() && version.compareTo(FIRST_NETWORK_API_VERSION) >= 0);
        if (known) {
            return null;
        }
        String what = version == null ? "no api-version given" : "api-version " + version + " is not one relaysim "
                + "knows for " + provider;
        return "299 relaysim \"" + what + " (known: " + (provider.equals(RELAY) ? String.join(", ", RELAY_API_VERSIONS)
                : FIRST_NETWORK_API_VERSION + " and later") + "); answered in the " + ANSWERED_SHAPE + " shape\"";
    }
}
