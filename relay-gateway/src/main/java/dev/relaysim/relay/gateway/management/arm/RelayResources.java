package dev.relaysim.relay.gateway.management.arm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.management.ManagementRequest;
import dev.relaysim.relay.gateway.management.ManagementResponse;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.NetworkState;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.registry.NamespaceRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The provider side, {@code Microsoft.Relay}: namespaces (from the configuration; their network settings live),
 * their private endpoint connections (approve, reject, remove), private link resources, the network rule set,
 * hybrid connections and authorization rules with {@code listKeys}. Every change goes through
 * {@link NetworkState#update}.
 */
final class RelayResources {

    static final String NAMESPACES = ArmScope.PREFIX + "/providers/Microsoft.Relay/namespaces";
    static final String NAMESPACE = NAMESPACES + "/{namespace}";

    private static final Logger logger = LoggerFactory.getLogger(RelayResources.class);
    private static final String RULE_SET_NAME = "default";

    private final GatewayConfig config;
    private final NamespaceRegistry registry;
    private final NetworkState state;

    RelayResources(GatewayConfig config, NamespaceRegistry registry, NetworkState state) {
        this.config = requireNonNull(config, "config");
        this.registry = requireNonNull(registry, "registry");
        this.state = requireNonNull(state, "state");
    }

    ManagementResponse listNamespaces(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NetworkModel model = state.current();
        return ok(ArmJson.list(config.namespaces().stream()
                .map(namespace -> ArmJson.namespace(scope, namespace, model)).toList()));
    }

    ManagementResponse getNamespace(ManagementRequest request) {
        return ok(ArmJson.namespace(ArmScope.of(request), namespace(request), state.current()));
    }

    /**
     * Namespaces come from the configuration: a PUT of a configured one may set
     * {@code properties.publicNetworkAccess} and answers it; any other is refused, since the gateway's host names
     * and certificate are fixed at start.
     */
    ManagementResponse putNamespace(ManagementRequest request) {
        String name = request.pathParameters().get("namespace");
        NamespaceConfig namespace = config.namespace(name).orElseThrow(() -> ArmException.badRequest("Namespace "
                + name + " is not in the gateway configuration; relaysim serves the namespaces of its "
                + "configuration (namespaces[] in the config file) and cannot create others at run time."));
        RequestBody body = RequestBody.parse(request.body());
        Optional<String> location = body.field("location").optionalText().map(NetworkResources::region);
        if (location.isPresent() && !location.get().equalsIgnoreCase(namespace.region())) {
            throw body.field("location").refused(namespace.region() + ", the namespace's region; a namespace "
                    + "cannot move");
        }
        Optional<PublicNetworkAccess> access = body.field("properties").field("publicNetworkAccess").present()
                ? Optional.of(body.field("properties").field("publicNetworkAccess")
                .parsed(PublicNetworkAccess::fromWireName))
                : Optional.empty();
        NetworkModel model = access.isEmpty() ? state.current() : state.update(current -> current.withNamespace(
                namespace.name(), network -> new NamespaceNetwork(network.namespace(), withAccess(network.ruleSet(),
                        access.get()), network.privateEndpoints())));
        access.ifPresent(value -> logger.info("namespace {}: publicNetworkAccess {}", namespace.name(), value));
        return ok(ArmJson.namespace(ArmScope.of(request), namespace, model));
    }

    ManagementResponse listConnections(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NamespaceConfig namespace = namespace(request);
        return ok(ArmJson.list(state.current().namespace(namespace.name()).privateEndpoints().stream()
                .map(endpoint -> ArmJson.connection(scope, namespace, endpoint)).toList()));
    }

    ManagementResponse getConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        PrivateEndpoint endpoint = connection(state.current(), namespace, request);
        return ok(ArmJson.connection(ArmScope.of(request), namespace, endpoint));
    }

    /**
     * Approves or rejects a connection: {@code properties.privateLinkServiceConnectionState.status} Approved,
     * Rejected (or Disconnected, as a remove) and an optional {@code description}. A Disconnected connection stays
     * so (its consumer deletes and recreates the endpoint); none goes back to Pending.
     */
    ManagementResponse putConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        RequestBody body = RequestBody.parse(request.body());
        RequestBody connectionState = body.field("properties").field("privateLinkServiceConnectionState");
        RequestBody statusNode = connectionState.field("status");
        ConnectionStatus status = statusNode.parsed(ConnectionStatus::fromWireName);
        String description = connectionState.field("description").optionalText().orElse("");
        PrivateEndpoint changed = changeStatus(namespace, request, current -> {
            if (status == ConnectionStatus.PENDING && current.status() != ConnectionStatus.PENDING) {
                throw statusNode.refused("Approved, Rejected or Disconnected; a connection does not go back to "
                        + "Pending");
            }
            if (current.status() == ConnectionStatus.DISCONNECTED && status != ConnectionStatus.DISCONNECTED) {
                throw statusNode.refused("Disconnected: connection " + current.name() + " was removed; its "
                        + "private endpoint must be deleted and created again");
            }
            return status;
        }, description);
        return ok(ArmJson.connection(ArmScope.of(request), namespace, changed));
    }

    /** Removes a connection: it becomes Disconnected and its endpoint carries no traffic; 204 when there is none. */
    ManagementResponse deleteConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        if (state.current().namespace(namespace.name()).privateEndpoint(request.pathParameters().get("name"))
                .isEmpty()) {
            return ArmApi.noContent();
        }
        PrivateEndpoint changed = changeStatus(namespace, request, current -> ConnectionStatus.DISCONNECTED,
                "Removed by the namespace owner");
        return ok(ArmJson.connection(ArmScope.of(request), namespace, changed));
    }

    ManagementResponse listPrivateLinkResources(ManagementRequest request) {
        return ok(ArmJson.list(List.of(ArmJson.privateLinkResource(ArmScope.of(request), namespace(request)))));
    }

    ManagementResponse getPrivateLinkResource(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        String name = request.pathParameters().get("name");
        if (!name.equalsIgnoreCase(ArmJson.GROUP_ID)) {
            throw ArmException.notFound("Microsoft.Relay/namespaces/" + namespace.name() + "/privateLinkResources",
                    name);
        }
        return ok(ArmJson.privateLinkResource(ArmScope.of(request), namespace));
    }

    ManagementResponse listNetworkRuleSets(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        return ok(ArmJson.list(List.of(ArmJson.networkRuleSet(ArmScope.of(request), namespace,
                state.current().namespace(namespace.name()).ruleSet()))));
    }

    ManagementResponse getNetworkRuleSet(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        requireDefaultRuleSet(namespace, request);
        return ok(ArmJson.networkRuleSet(ArmScope.of(request), namespace,
                state.current().namespace(namespace.name()).ruleSet()));
    }

    /**
     * Sets the network rule set from {@code properties}: {@code publicNetworkAccess}, {@code defaultAction},
     * {@code ipRules[{ipMask, action: "Allow"}]} (at most 128), {@code trustedServiceAccessEnabled}. A property
     * left out keeps its value, so that adding IP rules does not silently enable public access.
     */
    ManagementResponse putNetworkRuleSet(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        requireDefaultRuleSet(namespace, request);
        RequestBody properties = RequestBody.parse(request.body()).field("properties");
        RequestBody accessNode = properties.field("publicNetworkAccess");
        Optional<PublicNetworkAccess> access = accessNode.present()
                ? Optional.of(accessNode.parsed(PublicNetworkAccess::fromWireName)) : Optional.empty();
        RequestBody actionNode = properties.field("defaultAction");
        Optional<DefaultAction> defaultAction = actionNode.present()
                ? Optional.of(actionNode.parsed(DefaultAction::fromWireName)) : Optional.empty();
        Optional<List<Ipv4Prefix>> ipRules = Optional.empty();
        RequestBody rulesNode = properties.field("ipRules");
        if (rulesNode.present()) {
            List<Ipv4Prefix> rules = new ArrayList<>();
            for (RequestBody rule : rulesNode.elements()) {
                RequestBody ruleAction = rule.field("action");
                if (ruleAction.present() && !ruleAction.text().equalsIgnoreCase("Allow")) {
                    throw ruleAction.refused("Allow, the only action of IP rules");
                }
                rules.add(rule.field("ipMask").parsed(Ipv4Prefix::parse));
            }
            if (rules.size() > NetworkRuleSet.MAX_IP_RULES) {
                throw rulesNode.refused("at most " + NetworkRuleSet.MAX_IP_RULES + " IP rules; found " + rules.size());
            }
            ipRules = Optional.of(rules);
        }
        Optional<Boolean> trusted = properties.field("trustedServiceAccessEnabled").optionalBoolean();
        Optional<List<Ipv4Prefix>> newRules = ipRules;
        NetworkModel model = state.update(current -> current.withNamespace(namespace.name(), network -> {
            NetworkRuleSet old = network.ruleSet();
            NetworkRuleSet rules = new NetworkRuleSet(access.orElse(old.publicNetworkAccess()),
                    defaultAction.orElse(old.defaultAction()), newRules.orElse(old.ipRules()),
                    trusted.orElse(old.trustedServiceAccessEnabled()));
            return new NamespaceNetwork(network.namespace(), rules, network.privateEndpoints());
        }));
        NetworkRuleSet rules = model.namespace(namespace.name()).ruleSet();
        logger.info("namespace {} network rule set: publicNetworkAccess {}, defaultAction {}, ipRules {}, "
                        + "trustedServiceAccessEnabled {}", namespace.name(), rules.publicNetworkAccess(),
                rules.defaultAction(), rules.ipRules(), rules.trustedServiceAccessEnabled());
        return ok(ArmJson.networkRuleSet(ArmScope.of(request), namespace, rules));
    }

    ManagementResponse listHybridConnections(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NamespaceConfig namespace = namespace(request);
        return ok(ArmJson.list(namespace.hybridConnections().stream()
                .map(entity -> hybridConnection(scope, namespace, entity)).toList()));
    }

    ManagementResponse getHybridConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        return ok(hybridConnection(ArmScope.of(request), namespace, hybridConnection(namespace, request)));
    }

    /** Namespace-level rules, or a hybrid connection's own when the path names one. */
    ManagementResponse listAuthorizationRules(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NamespaceConfig namespace = namespace(request);
        Optional<HybridConnectionConfig> entity = entity(namespace, request);
        List<AuthorizationRuleConfig> rules = entity.map(HybridConnectionConfig::authorizationRules)
                .orElse(namespace.authorizationRules());
        return ok(ArmJson.list(rules.stream().map(rule -> authorizationRule(scope, namespace, entity, rule))
                .toList()));
    }

    ManagementResponse getAuthorizationRule(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        Optional<HybridConnectionConfig> entity = entity(namespace, request);
        return ok(authorizationRule(ArmScope.of(request), namespace, entity,
                authorizationRule(namespace, entity, request)));
    }

    /**
     * {@code POST .../authorizationRules/{name}/listKeys}: the keys and connection strings in Azure's form
     * ({@code Endpoint=sb://<namespace host>/;...}, with {@code EntityPath} for a hybrid connection's rule).
     */
    ManagementResponse listKeys(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        Optional<HybridConnectionConfig> entity = entity(namespace, request);
        AuthorizationRuleConfig rule = authorizationRule(namespace, entity, request);
        URI endpoint = URI.create("sb://" + namespace.hostName() + '/');
        String entityPath = entity.map(HybridConnectionConfig::name).orElse(null);
        ObjectNode keys = ArmJson.object();
        keys.put("primaryConnectionString", new ConnectionString(endpoint, entityPath, rule.name(), rule.primaryKey(),
                null, null).format());
        keys.put("secondaryConnectionString", new ConnectionString(endpoint, entityPath, rule.name(),
                rule.secondaryKey(), null, null).format());
        keys.put("primaryKey", rule.primaryKey());
        keys.put("secondaryKey", rule.secondaryKey());
        keys.put("keyName", rule.name());
        logger.info("keys of authorization rule {} of {}{} listed", rule.name(), namespace.name(),
                entityPath == null ? "" : "/" + entityPath);
        return ok(keys);
    }

    private NamespaceConfig namespace(ManagementRequest request) {
        String name = request.pathParameters().get("namespace");
        return config.namespace(name).orElseThrow(() -> ArmException.notFound("Microsoft.Relay/namespaces", name));
    }

    private static PrivateEndpoint connection(NetworkModel model, NamespaceConfig namespace,
                                              ManagementRequest request) {
        String name = request.pathParameters().get("name");
        return model.namespace(namespace.name()).privateEndpoint(name).orElseThrow(() -> ArmException.notFound(
                "Microsoft.Relay/namespaces/" + namespace.name() + "/privateEndpointConnections", name));
    }

    /** Moves a connection to the status {@code decide} picks from it, inside one serialized update. */
    private PrivateEndpoint changeStatus(NamespaceConfig namespace, ManagementRequest request,
                                         Function<PrivateEndpoint, ConnectionStatus> decide,
                                         String description) {
        PrivateEndpoint[] changed = new PrivateEndpoint[2];
        state.update(current -> {
            PrivateEndpoint endpoint = connection(current, namespace, request);
            PrivateEndpoint updated = endpoint.withStatus(decide.apply(endpoint), description);
            changed[0] = endpoint;
            changed[1] = updated;
            return current.withNamespace(namespace.name(), network -> new NamespaceNetwork(network.namespace(),
                    network.ruleSet(), network.privateEndpoints().stream()
                    .map(other -> other.name().equalsIgnoreCase(endpoint.name()) ? updated : other).toList()));
        });
        logger.info("private endpoint connection {} of {}: {} -> {} ({})", changed[1].name(), namespace.name(),
                changed[0].status(), changed[1].status(), description.isEmpty() ? "no description" : description);
        return changed[1];
    }

    private static void requireDefaultRuleSet(NamespaceConfig namespace, ManagementRequest request) {
        String name = request.pathParameters().get("name");
        if (!name.equalsIgnoreCase(RULE_SET_NAME)) {
            throw ArmException.notFound("Microsoft.Relay/namespaces/" + namespace.name() + "/networkRuleSets", name);
        }
    }

    private static NetworkRuleSet withAccess(NetworkRuleSet rules, PublicNetworkAccess access) {
        return new NetworkRuleSet(access, rules.defaultAction(), rules.ipRules(), rules.trustedServiceAccessEnabled());
    }

    private ObjectNode hybridConnection(ArmScope scope, NamespaceConfig namespace, HybridConnectionConfig entity) {
        ObjectNode json = ArmJson.resource(scope.namespaceId(namespace.name()) + "/hybridConnections/"
                + entity.name(), entity.name(), "Microsoft.Relay/Namespaces/HybridConnections", namespace.region());
        ObjectNode properties = json.putObject("properties");
        properties.put("listenerCount", registry.namespaces().stream()
                .filter(ns -> ns.name().equalsIgnoreCase(namespace.name()))
                .flatMap(ns -> ns.hybridConnections().stream())
                .filter(hc -> hc.name().equalsIgnoreCase(entity.name()))
                .mapToInt(hc -> hc.listeners().size()).sum());
        properties.put("requiresClientAuthorization", entity.requiresClientAuthorization());
        properties.put("userMetadata", "");
        return json;
    }

    private static HybridConnectionConfig hybridConnection(NamespaceConfig namespace, ManagementRequest request) {
        String name = request.pathParameters().get("hybridConnection");
        return namespace.hybridConnection(name).orElseThrow(() -> ArmException.notFound(
                "Microsoft.Relay/namespaces/" + namespace.name() + "/hybridConnections", name));
    }

    private static Optional<HybridConnectionConfig> entity(NamespaceConfig namespace, ManagementRequest request) {
        return request.pathParameters().containsKey("hybridConnection")
                ? Optional.of(hybridConnection(namespace, request)) : Optional.empty();
    }

    private static AuthorizationRuleConfig authorizationRule(NamespaceConfig namespace,
                                                             Optional<HybridConnectionConfig> entity,
                                                             ManagementRequest request) {
        String name = request.pathParameters().get("name");
        List<AuthorizationRuleConfig> rules = entity.map(HybridConnectionConfig::authorizationRules)
                .orElse(namespace.authorizationRules());
        return rules.stream().filter(rule -> rule.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> ArmException.notFound("Microsoft.Relay/namespaces/" + namespace.name()
                        + entity.map(hc -> "/hybridConnections/" + hc.name()).orElse("") + "/authorizationRules",
                        name));
    }

    private static ObjectNode authorizationRule(ArmScope scope, NamespaceConfig namespace,
                                                Optional<HybridConnectionConfig> entity, AuthorizationRuleConfig rule) {
        String parent = scope.namespaceId(namespace.name())
                + entity.map(hc -> "/hybridConnections/" + hc.name()).orElse("");
        ObjectNode json = ArmJson.resource(parent + "/authorizationRules/" + rule.name(), rule.name(),
                entity.isPresent() ? "Microsoft.Relay/Namespaces/HybridConnections/AuthorizationRules"
                        : "Microsoft.Relay/Namespaces/AuthorizationRules", null);
        json.putObject("properties").putArray("rights")
                .addAll(rule.rights().stream().map(AccessRight::wireName)
                        .map(TextNode::valueOf).toList());
        return json;
    }

    private static ManagementResponse ok(ObjectNode json) {
        return ManagementResponse.json(HttpResponseStatus.OK, json);
    }
}
