package dev.relaysim.relay.gateway.internal.management.arm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * The provider side, {@code Microsoft.Relay}: namespaces, hybrid connections and authorization rules (created,
 * changed and deleted live through the {@link NamespaceRegistry}, with {@code listKeys} and {@code regenerateKeys}),
 * and per namespace its private endpoint connections (approve, reject, remove), private link resources and network
 * rule set (through {@link NetworkState#update}).
 */
final class RelayResources {

    static final String NAMESPACES = ArmScope.PREFIX + "/providers/Microsoft.Relay/namespaces";
    static final String NAMESPACE = NAMESPACES + "/{namespace}";

    private static final Logger logger = LoggerFactory.getLogger(RelayResources.class);
    private static final String RULE_SET_NAME = "default";

    private static final String ROOT_RULE = "RootManageSharedAccessKey";
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NamespaceRegistry registry;
    private final NetworkState state;

    RelayResources(NamespaceRegistry registry, NetworkState state) {
        this.registry = requireNonNull(registry, "registry");
        this.state = requireNonNull(state, "state");
    }

    ManagementResponse listNamespaces(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NetworkModel model = state.current();
        return ok(ArmJson.list(registry.configs().stream()
                .map(namespace -> ArmJson.namespace(scope, namespace, model)).toList()));
    }

    ManagementResponse getNamespace(ManagementRequest request) {
        return ok(ArmJson.namespace(ArmScope.of(request), namespace(request), state.current()));
    }

    /**
     * Creates a namespace (201), or sets {@code properties.publicNetworkAccess} of an existing one (200). A new one
     * gets the host name {@code <name>.servicebus.windows.net}, the region of {@code location} (default
     * {@value NamespaceConfig#DEFAULT_REGION}) and, as in Azure, the rule {@value #ROOT_RULE} with random keys. An
     * existing namespace does not move to another region.
     */
    ManagementResponse putNamespace(ManagementRequest request) {
        String name = request.pathParameters().get("namespace");
        RequestBody body = RequestBody.parse(request.body());
        Optional<String> location = body.field("location").optionalText().map(NetworkResources::region);
        RequestBody accessNode = body.field("properties").field("publicNetworkAccess");
        Optional<PublicNetworkAccess> access = accessNode.present()
                ? Optional.of(accessNode.parsed(PublicNetworkAccess::fromWireName)) : Optional.empty();
        Optional<NamespaceConfig> existing = registry.namespace(name).map(Namespace::config);
        if (existing.isPresent() && location.isPresent() && !location.get().equalsIgnoreCase(existing.get().region())) {
            throw body.field("location").refused(existing.get().region() + ", the namespace's region; a namespace "
                    + "cannot move");
        }
        if (existing.isEmpty()) {
            NamespaceConfig created = validated(() -> new NamespaceConfig(name, null,
                    List.of(new AuthorizationRuleConfig(ROOT_RULE, newKey(), newKey(),
                            EnumSet.of(AccessRight.LISTEN, AccessRight.SEND, AccessRight.MANAGE))),
                    List.of(), location.orElse(NamespaceConfig.DEFAULT_REGION), NetworkRuleSet.OPEN, List.of()));
            registry.update(namespaces -> {
                List<NamespaceConfig> updated = new ArrayList<>(namespaces);
                updated.add(created);
                return updated;
            });
            logger.info("namespace {} created ({}, {})", created.name(), created.hostName(), created.region());
        }
        NamespaceConfig namespace = namespace(request);
        NetworkModel model = access.isEmpty() ? state.current() : state.update(current -> current.withNamespace(
                namespace.name(), network -> new NamespaceNetwork(network.namespace(), withAccess(network.ruleSet(),
                        access.get()), network.privateEndpoints())));
        access.ifPresent(value -> logger.info("namespace {}: publicNetworkAccess {}", namespace.name(), value));
        return ManagementResponse.json(existing.isPresent() ? HttpResponseStatus.OK : HttpResponseStatus.CREATED,
                ArmJson.namespace(ArmScope.of(request), namespace, model));
    }

    /**
     * Deletes a namespace with its hybrid connections, rules and network settings (200); 204 when there is none;
     * the default namespace is refused (409).
     */
    ManagementResponse deleteNamespace(ManagementRequest request) {
        String name = request.pathParameters().get("namespace");
        Optional<Namespace> namespace = registry.namespace(name);
        if (namespace.isEmpty()) {
            return ArmApi.noContent();
        }
        if (namespace.get() == registry.defaultNamespace()) {
            throw new ArmException(HttpResponseStatus.CONFLICT, "Conflict", "Namespace " + namespace.get().name()
                    + " is the gateway's default namespace (defaultNamespace: the one clients reach as localhost) and "
                    + "cannot be deleted.");
        }
        // Network settings first: a crash between the two saves leaves a namespace open to the public network,
        // never network settings of a namespace that no longer exists (which would stop the next start).
        state.update(current -> current.withoutNamespace(namespace.get().name()));
        registry.update(namespaces -> namespaces.stream()
                .filter(config -> !config.name().equalsIgnoreCase(name)).toList());
        logger.info("namespace {} deleted", namespace.get().name());
        return ok(ArmJson.object());
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
        HybridConnectionConfig entity = entity(namespace, request);
        List<AuthorizationRuleConfig> rules = rules(namespace, entity);
        return ok(ArmJson.list(rules.stream().map(rule -> authorizationRule(scope, namespace, entity, rule))
                .toList()));
    }

    ManagementResponse getAuthorizationRule(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        HybridConnectionConfig entity = entity(namespace, request);
        return ok(authorizationRule(ArmScope.of(request), namespace, entity,
                authorizationRule(namespace, entity, request)));
    }

    /**
     * Creates or updates a hybrid connection: {@code properties.requiresClientAuthorization} (default true) and
     * {@code properties.userMetadata}; a property left out keeps its value. Azure answers 200 either way.
     */
    ManagementResponse putHybridConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        String name = request.pathParameters().get("hybridConnection");
        RequestBody properties = RequestBody.parse(request.body()).field("properties");
        Optional<Boolean> requires = properties.field("requiresClientAuthorization").optionalBoolean();
        Optional<String> metadata = properties.field("userMetadata").optionalText();
        Optional<HybridConnectionConfig> existing = namespace.hybridConnection(name);
        HybridConnectionConfig changed = validated(() -> new HybridConnectionConfig(
                existing.map(HybridConnectionConfig::name).orElse(name),
                requires.orElse(existing.map(HybridConnectionConfig::requiresClientAuthorization).orElse(true)),
                existing.map(HybridConnectionConfig::authorizationRules).orElse(List.of()),
                metadata.orElse(existing.map(HybridConnectionConfig::userMetadata).orElse(""))));
        changeNamespace(namespace, current -> withHybridConnections(current,
                replaced(current.hybridConnections(), HybridConnectionConfig::name, changed)));
        logger.info("hybrid connection {}/{} {} (requiresClientAuthorization {})", namespace.name(), changed.name(),
                existing.isPresent() ? "updated" : "created", changed.requiresClientAuthorization());
        return ok(hybridConnection(ArmScope.of(request), namespace, changed));
    }

    /**
     * Deletes a hybrid connection (200; 204 when there is none). Its listeners' control channels are closed with
     * 1001 by the registry's change listener; relayed connections stay.
     */
    ManagementResponse deleteHybridConnection(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        String name = request.pathParameters().get("hybridConnection");
        if (namespace.hybridConnection(name).isEmpty()) {
            return ArmApi.noContent();
        }
        changeNamespace(namespace, current -> withHybridConnections(current, current.hybridConnections().stream()
                .filter(entity -> !entity.name().equalsIgnoreCase(name)).toList()));
        logger.info("hybrid connection {}/{} deleted", namespace.name(), name);
        return ok(ArmJson.object());
    }

    /**
     * Creates a rule with two random keys, or replaces an existing rule's rights (keeping its keys):
     * {@code properties.rights}, one or more of Listen, Send, Manage.
     */
    ManagementResponse putAuthorizationRule(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        HybridConnectionConfig entity = entity(namespace, request);
        String name = request.pathParameters().get("name");
        RequestBody rightsNode = RequestBody.parse(request.body()).field("properties").field("rights");
        Set<AccessRight> rights = EnumSet.noneOf(AccessRight.class);
        for (RequestBody right : rightsNode.elements()) {
            rights.add(right.parsed(AccessRight::fromWireName));
        }
        Optional<AuthorizationRuleConfig> existing = rules(namespace, entity).stream()
                .filter(rule -> rule.name().equalsIgnoreCase(name)).findFirst();
        AuthorizationRuleConfig changed = validated(() -> existing
                .map(rule -> new AuthorizationRuleConfig(rule.name(), rule.primaryKey(), rule.secondaryKey(), rights,
                        rule.trustedService()))
                .orElseGet(() -> new AuthorizationRuleConfig(name, newKey(), newKey(), rights)));
        changeRules(namespace, entity, rules -> replaced(rules, AuthorizationRuleConfig::name, changed));
        logger.info("authorization rule {} of {}{} {}: {}", changed.name(), namespace.name(),
                entityPath(entity), existing.isPresent() ? "updated" : "created", changed);
        return ok(authorizationRule(ArmScope.of(request), namespace, entity, changed));
    }

    /** Deletes a rule (200; 204 when there is none): tokens signed with its keys are refused from now on. */
    ManagementResponse deleteAuthorizationRule(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        HybridConnectionConfig entity = entity(namespace, request);
        String name = request.pathParameters().get("name");
        if (rules(namespace, entity).stream().noneMatch(rule -> rule.name().equalsIgnoreCase(name))) {
            return ArmApi.noContent();
        }
        changeRules(namespace, entity, rules -> rules.stream()
                .filter(rule -> !rule.name().equalsIgnoreCase(name)).toList());
        logger.info("authorization rule {} of {}{} deleted", name, namespace.name(),
                entityPath(entity));
        return ok(ArmJson.object());
    }

    /**
     * {@code POST .../authorizationRules/{name}/regenerateKeys} with {@code {"keyType": "PrimaryKey"|"SecondaryKey",
     * "key": optional}}: a new random key (or the one given) replaces that key; answers as {@link #listKeys}.
     */
    ManagementResponse regenerateKeys(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        HybridConnectionConfig entity = entity(namespace, request);
        AuthorizationRuleConfig rule = authorizationRule(namespace, entity, request);
        RequestBody body = RequestBody.parse(request.body());
        RequestBody keyTypeNode = body.field("keyType");
        boolean primary = keyTypeNode.parsed(KeyType::fromWireName) == KeyType.PRIMARY;
        String key = body.field("key").optionalText().orElseGet(RelayResources::newKey);
        AuthorizationRuleConfig changed = validated(() -> new AuthorizationRuleConfig(rule.name(),
                primary ? key : rule.primaryKey(), primary ? rule.secondaryKey() : key, rule.rights(),
                rule.trustedService()));
        changeRules(namespace, entity, rules -> replaced(rules, AuthorizationRuleConfig::name, changed));
        logger.info("{} of authorization rule {} of {}{} regenerated", primary ? "primary key" : "secondary key",
                rule.name(), namespace.name(), entityPath(entity));
        return ok(accessKeys(namespace, entity, changed));
    }

    /** The {@code keyType} of {@code regenerateKeys}. */
    private enum KeyType {
        PRIMARY, SECONDARY;

        static KeyType fromWireName(String text) {
            if (text.equalsIgnoreCase("PrimaryKey")) {
                return PRIMARY;
            }
            if (text.equalsIgnoreCase("SecondaryKey")) {
                return SECONDARY;
            }
            throw new IllegalArgumentException('"' + text + "\" (expected: PrimaryKey or SecondaryKey)");
        }
    }

    /**
     * {@code POST .../authorizationRules/{name}/listKeys}: the keys and connection strings in Azure's form
     * ({@code Endpoint=sb://<namespace host>/;...}, with {@code EntityPath} for a hybrid connection's rule).
     */
    ManagementResponse listKeys(ManagementRequest request) {
        NamespaceConfig namespace = namespace(request);
        HybridConnectionConfig entity = entity(namespace, request);
        AuthorizationRuleConfig rule = authorizationRule(namespace, entity, request);
        logger.info("keys of authorization rule {} of {}{} listed", rule.name(), namespace.name(),
                entityPath(entity));
        return ok(accessKeys(namespace, entity, rule));
    }

    /** Azure's {@code AccessKeys}: the keys and connection strings ({@code EntityPath} for an entity's rule). */
    private static ObjectNode accessKeys(NamespaceConfig namespace, @Nullable HybridConnectionConfig entity,
                                         AuthorizationRuleConfig rule) {
        URI endpoint = URI.create("sb://" + namespace.hostName() + '/');
        String entityPath = entity == null ? null : entity.name();
        ObjectNode keys = ArmJson.object();
        keys.put("primaryConnectionString", new ConnectionString(endpoint, entityPath, rule.name(), rule.primaryKey(),
                null, null).format());
        keys.put("secondaryConnectionString", new ConnectionString(endpoint, entityPath, rule.name(),
                rule.secondaryKey(), null, null).format());
        keys.put("primaryKey", rule.primaryKey());
        keys.put("secondaryKey", rule.secondaryKey());
        keys.put("keyName", rule.name());
        return keys;
    }

    /** 32 random bytes in base64, the form of Azure's generated keys. */
    private static String newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Runs a record constructor; its validation message becomes a 400 {@code BadRequest}. */
    private static <T> T validated(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw ArmException.badRequest("The request content was invalid: " + e.getMessage() + '.');
        }
    }

    /** Replaces {@code namespace}'s configuration with what {@code change} makes of its current one. */
    private void changeNamespace(NamespaceConfig namespace, UnaryOperator<NamespaceConfig> change) {
        registry.update(namespaces -> namespaces.stream()
                .map(config -> config.name().equalsIgnoreCase(namespace.name()) ? change.apply(config) : config)
                .toList());
    }

    /** Replaces the rules of the namespace, or of {@code entity} when there is one. */
    private void changeRules(NamespaceConfig namespace, @Nullable HybridConnectionConfig entity,
                             UnaryOperator<List<AuthorizationRuleConfig>> change) {
        changeNamespace(namespace, current -> {
            if (entity == null) {
                return new NamespaceConfig(current.name(), current.hostName(),
                        change.apply(current.authorizationRules()),
                        current.hybridConnections(), current.region(), current.networkRuleSet(),
                        current.privateEndpoints());
            }
            return withHybridConnections(current, current.hybridConnections().stream()
                    .map(hc -> hc.name().equalsIgnoreCase(entity.name())
                            ? new HybridConnectionConfig(hc.name(), hc.requiresClientAuthorization(),
                            change.apply(hc.authorizationRules()), hc.userMetadata())
                            : hc)
                    .toList());
        });
    }

    private static NamespaceConfig withHybridConnections(NamespaceConfig namespace,
                                                         List<HybridConnectionConfig> hybridConnections) {
        return new NamespaceConfig(namespace.name(), namespace.hostName(), namespace.authorizationRules(),
                hybridConnections, namespace.region(), namespace.networkRuleSet(), namespace.privateEndpoints());
    }

    /** {@code items} with the one named like {@code item} (ignoring case) replaced by it, or with it added. */
    private static <T> List<T> replaced(List<T> items, Function<T, String> name, T item) {
        List<T> result = new ArrayList<>(items.size() + 1);
        boolean found = false;
        for (T existing : items) {
            if (name.apply(existing).equalsIgnoreCase(name.apply(item))) {
                result.add(item);
                found = true;
            } else {
                result.add(existing);
            }
        }
        if (!found) {
            result.add(item);
        }
        return result;
    }

    private NamespaceConfig namespace(ManagementRequest request) {
        String name = request.pathParameters().get("namespace");
        return registry.namespace(name).map(Namespace::config)
                .orElseThrow(() -> ArmException.notFound("Microsoft.Relay/namespaces", name));
    }

    private static List<AuthorizationRuleConfig> rules(NamespaceConfig namespace,
                                                       @Nullable HybridConnectionConfig entity) {
        return entity == null ? namespace.authorizationRules() : entity.authorizationRules();
    }

    /** {@code /<hybrid connection>} for an entity's rule, empty for a namespace's (log lines). */
    private static String entityPath(@Nullable HybridConnectionConfig entity) {
        return entity == null ? "" : "/" + entity.name();
    }

    /** {@code /hybridConnections/<name>} for an entity's rule, empty for a namespace's (resource ids). */
    private static String entityResource(@Nullable HybridConnectionConfig entity) {
        return entity == null ? "" : "/hybridConnections/" + entity.name();
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
        properties.put("listenerCount", registry.namespace(namespace.name())
                .flatMap(live -> live.hybridConnection(entity.name()))
                .map(live -> live.listeners().size()).orElse(0));
        properties.put("requiresClientAuthorization", entity.requiresClientAuthorization());
        properties.put("userMetadata", entity.userMetadata());
        return json;
    }

    private static HybridConnectionConfig hybridConnection(NamespaceConfig namespace, ManagementRequest request) {
        String name = request.pathParameters().get("hybridConnection");
        return namespace.hybridConnection(name).orElseThrow(() -> ArmException.notFound(
                "Microsoft.Relay/namespaces/" + namespace.name() + "/hybridConnections", name));
    }

    /** The hybrid connection the path names, or null for a namespace-level path. */
    private static @Nullable HybridConnectionConfig entity(NamespaceConfig namespace, ManagementRequest request) {
        return request.pathParameters().containsKey("hybridConnection") ? hybridConnection(namespace, request) : null;
    }

    private static AuthorizationRuleConfig authorizationRule(NamespaceConfig namespace,
                                                             @Nullable HybridConnectionConfig entity,
                                                             ManagementRequest request) {
        String name = request.pathParameters().get("name");
        return rules(namespace, entity).stream().filter(rule -> rule.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> ArmException.notFound("Microsoft.Relay/namespaces/" + namespace.name()
                        + entityResource(entity) + "/authorizationRules",
                        name));
    }

    private static ObjectNode authorizationRule(ArmScope scope, NamespaceConfig namespace,
                                                @Nullable HybridConnectionConfig entity,
                                                AuthorizationRuleConfig rule) {
        String parent = scope.namespaceId(namespace.name()) + entityResource(entity);
        ObjectNode json = ArmJson.resource(parent + "/authorizationRules/" + rule.name(), rule.name(),
                entity != null ? "Microsoft.Relay/Namespaces/HybridConnections/AuthorizationRules"
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
