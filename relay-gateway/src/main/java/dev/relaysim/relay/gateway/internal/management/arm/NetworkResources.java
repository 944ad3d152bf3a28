package dev.relaysim.relay.gateway.internal.management.arm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NamespaceNetwork;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.QuotaExceededException;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The consumer side, {@code Microsoft.Network}: virtual networks with their subnets, and private endpoints. A
 * private endpoint is the model's {@link PrivateEndpoint} of the namespace its connection names; creating one
 * allocates its address (or takes the static one of {@code ipConfigurations}) and creates the namespace's private
 * endpoint connection, Approved for {@code privateLinkServiceConnections}, Pending for
 * {@code manualPrivateLinkServiceConnections}. Every change goes through {@link NetworkState#update}.
 */
final class NetworkResources {

    static final String VIRTUAL_NETWORKS = ArmScope.PREFIX + "/providers/Microsoft.Network/virtualNetworks";
    static final String PRIVATE_ENDPOINTS = ArmScope.PREFIX + "/providers/Microsoft.Network/privateEndpoints";

    private static final Logger logger = LoggerFactory.getLogger(NetworkResources.class);

    private final NamespaceRegistry registry;
    private final NetworkState state;

    NetworkResources(NamespaceRegistry registry, NetworkState state) {
        this.registry = requireNonNull(registry, "registry");
        this.state = requireNonNull(state, "state");
    }

    ManagementResponse listVirtualNetworks(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NetworkModel model = state.current();
        return ok(ArmJson.list(model.virtualNetworks().stream()
                .map(network -> ArmJson.virtualNetwork(scope, network, model)).toList()));
    }

    ManagementResponse getVirtualNetwork(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        NetworkModel model = state.current();
        String name = request.pathParameters().get("name");
        VirtualNetwork network = model.virtualNetwork(name)
                .orElseThrow(() -> ArmException.notFound("Microsoft.Network/virtualNetworks", name));
        return ok(ArmJson.virtualNetwork(scope, network, model));
    }

    /**
     * Creates or replaces a virtual network: {@code location}, {@code properties.addressSpace.addressPrefixes},
     * {@code properties.subnets[{name, properties.addressPrefix}]}. Its connected networks (config only) stay.
     */
    ManagementResponse putVirtualNetwork(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        String name = request.pathParameters().get("name");
        RequestBody body = RequestBody.parse(request.body());
        RequestBody properties = body.field("properties");
        List<Ipv4Prefix> prefixes = new ArrayList<>();
        for (RequestBody prefix : properties.field("addressSpace").field("addressPrefixes").elements()) {
            prefixes.add(prefix.parsed(Ipv4Prefix::parse));
        }
        if (prefixes.isEmpty()) {
            throw properties.field("addressSpace").field("addressPrefixes").refused("at least one address prefix");
        }
        List<Subnet> subnets = new ArrayList<>();
        RequestBody subnetsNode = properties.field("subnets");
        if (subnetsNode.present()) {
            for (RequestBody subnet : subnetsNode.elements()) {
                String subnetName = subnet.field("name").text();
                RequestBody prefixNode = subnet.field("properties").field("addressPrefix");
                Ipv4Prefix prefix = prefixNode.parsed(Ipv4Prefix::parse);
                subnets.add(construct(subnet.path() + ".properties", () -> new Subnet(subnetName, prefix)));
            }
        }
        Optional<String> location = body.field("location").optionalText().map(NetworkResources::region);
        boolean[] created = new boolean[1];
        NetworkModel model = state.update(current -> {
            Optional<VirtualNetwork> existing = current.virtualNetwork(name);
            created[0] = existing.isEmpty();
            String region = location.orElse(existing.map(VirtualNetwork::region)
                    .orElse(NamespaceConfig.DEFAULT_REGION));
            List<Ipv4Prefix> connected = existing.map(VirtualNetwork::connectedNetworks).orElse(List.of());
            boolean zoneLinked = existing.map(VirtualNetwork::privateDnsZoneLinked).orElse(true);
            VirtualNetwork network = construct("properties", () -> new VirtualNetwork(
                    existing.map(VirtualNetwork::name).orElse(name), region, prefixes, subnets, connected,
                    zoneLinked));
            return construct(null, () -> current.withVirtualNetwork(network));
        });
        VirtualNetwork network = model.virtualNetwork(name).orElseThrow();
        logger.info("virtual network {} {}: {} in {}, subnets {}", network.name(), created[0] ? "created" : "updated",
                network.addressPrefixes(), network.region(), network.subnets().stream()
                        .map(subnet -> subnet.name() + ' ' + subnet.addressPrefix()).toList());
        return ManagementResponse.json(created[0] ? HttpResponseStatus.CREATED : HttpResponseStatus.OK,
                ArmJson.virtualNetwork(scope, network, model));
    }

    /** Deletes a virtual network; refused while a private endpoint sits in one of its subnets. */
    ManagementResponse deleteVirtualNetwork(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        String name = request.pathParameters().get("name");
        boolean[] deleted = new boolean[1];
        state.update(current -> {
            if (current.virtualNetwork(name).isEmpty()) {
                return current;
            }
            for (NetworkModel.Owned owned : current.privateEndpointsByAddress().values()) {
                PrivateEndpoint endpoint = owned.endpoint();
                if (endpoint.virtualNetwork().equalsIgnoreCase(name)) {
                    throw new ArmException(HttpResponseStatus.BAD_REQUEST, "InUseSubnetCannotBeDeleted", "Subnet "
                            + endpoint.subnet() + " is in use by " + scope.privateEndpointId(endpoint.name())
                            + " and cannot be deleted. In order to delete the subnet, delete all the resources "
                            + "within the subnet.");
                }
            }
            deleted[0] = true;
            return current.withoutVirtualNetwork(name);
        });
        if (!deleted[0]) {
            return ArmApi.noContent();
        }
        logger.info("virtual network {} deleted", name);
        return ManagementResponse.json(HttpResponseStatus.OK, ArmJson.object());
    }

    ManagementResponse listPrivateEndpoints(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        List<ObjectNode> endpoints = new ArrayList<>();
        for (NamespaceNetwork namespace : state.current().namespaces()) {
            NamespaceConfig namespaceConfig = registry.namespace(namespace.namespace()).map(Namespace::config)
                    .orElse(null);
            if (namespaceConfig != null) {
                namespace.privateEndpoints().forEach(endpoint ->
                        endpoints.add(ArmJson.privateEndpoint(scope, namespaceConfig, endpoint)));
            }
        }
        return ok(ArmJson.list(endpoints));
    }

    ManagementResponse getPrivateEndpoint(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        String name = request.pathParameters().get("name");
        Owned owned = find(state.current(), name)
                .orElseThrow(() -> ArmException.notFound("Microsoft.Network/privateEndpoints", name));
        return ok(ArmJson.privateEndpoint(scope, owned.namespace(), owned.endpoint()));
    }

    /**
     * Creates a private endpoint: {@code location} (default: its virtual network's region; another one is refused
     * as Azure refuses it), {@code properties.subnet.id}, exactly one connection in
     * {@code properties.privateLinkServiceConnections} or {@code properties.manualPrivateLinkServiceConnections}
     * ({@code properties.privateLinkServiceId} a namespace id, {@code groupIds ["namespace"]}, for a manual one
     * {@code requestMessage}), optionally {@code properties.ipConfigurations[0].properties.privateIPAddress}. A PUT
     * of an existing endpoint with the same subnet and namespace answers it unchanged.
     */
    ManagementResponse putPrivateEndpoint(ManagementRequest request) {
        ArmScope scope = ArmScope.of(request);
        String name = request.pathParameters().get("name");
        String id = scope.privateEndpointId(name);
        RequestBody body = RequestBody.parse(request.body());
        RequestBody properties = body.field("properties");
        RequestBody subnetId = properties.field("subnet").field("id");
        ArmScope.SubnetRef subnetRef = ArmScope.subnetOf(subnetId.text()).orElseThrow(() -> ArmException.invalidId(
                subnetId.path(), subnetId.text(), "a subnet of a Microsoft.Network/virtualNetworks resource"));
        RequestBody automatic = properties.field("privateLinkServiceConnections");
        RequestBody manual = properties.field("manualPrivateLinkServiceConnections");
        List<RequestBody> automaticConnections = automatic.present() ? automatic.elements() : List.of();
        List<RequestBody> manualConnections = manual.present() ? manual.elements() : List.of();
        if (automaticConnections.size() + manualConnections.size() != 1) {
            throw automatic.refused("exactly one connection in privateLinkServiceConnections or "
                    + "manualPrivateLinkServiceConnections; found " + automaticConnections.size() + " and "
                    + manualConnections.size());
        }
        boolean manualApproval = !manualConnections.isEmpty();
        RequestBody connection = (manualApproval ? manualConnections : automaticConnections).get(0).field("properties");
        RequestBody serviceId = connection.field("privateLinkServiceId");
        String namespaceName = ArmScope.namespaceOf(serviceId.text()).orElseThrow(() -> ArmException.invalidId(
                serviceId.path(), serviceId.text(), "a Microsoft.Relay/namespaces resource"));
        NamespaceConfig namespace = registry.namespace(namespaceName).map(Namespace::config)
                .orElseThrow(() -> ArmException.invalidReference(serviceId.text(), id));
        RequestBody groupIds = connection.field("groupIds");
        List<RequestBody> groups = groupIds.elements();
        if (groups.size() != 1 || !groups.get(0).text().equalsIgnoreCase(ArmJson.GROUP_ID)) {
            throw groupIds.refused("[\"namespace\"], the one group of Microsoft.Relay/namespaces");
        }
        String description = manualApproval ? connection.field("requestMessage").optionalText().orElse("")
                : "Auto-Approved";
        Optional<String> location = body.field("location").optionalText().map(NetworkResources::region);
        Optional<Inet4Address> staticAddress = staticAddress(properties.field("ipConfigurations"));
        boolean[] created = new boolean[1];
        NetworkModel model = state.update(current -> {
            Optional<Owned> existing = find(current, name);
            if (existing.isPresent()) {
                PrivateEndpoint endpoint = existing.get().endpoint();
                if (!existing.get().namespace().name().equalsIgnoreCase(namespace.name())
                        || !endpoint.virtualNetwork().equalsIgnoreCase(subnetRef.virtualNetwork())
                        || !endpoint.subnet().equalsIgnoreCase(subnetRef.subnet())) {
                    throw ArmException.badRequest("Private endpoint " + id + " exists with subnet "
                            + scope.subnetId(endpoint.virtualNetwork(), endpoint.subnet()) + " and service "
                            + scope.namespaceId(existing.get().namespace().name()) + "; they cannot be changed "
                            + "(delete the private endpoint and create it again).");
                }
                return current;
            }
            VirtualNetwork network = current.virtualNetwork(subnetRef.virtualNetwork())
                    .orElseThrow(() -> ArmException.invalidReference(subnetId.text(), id));
            Subnet subnet = network.subnet(subnetRef.subnet())
                    .orElseThrow(() -> ArmException.invalidReference(subnetId.text(), id));
            String region = location.orElse(network.region());
            if (!region.equalsIgnoreCase(network.region())) {
                throw ArmException.invalidReference(subnetId.text(), id + " (location " + region
                        + ", virtual network " + network.name() + " in " + network.region() + ')');
            }
            if (staticAddress.isPresent() && !subnet.isAssignable(staticAddress.get())) {
                throw properties.field("ipConfigurations").refused("a privateIPAddress that subnet " + subnet.name()
                        + ' ' + subnet.addressPrefix() + " can assign, from its fifth address to the one before its "
                        + "last");
            }
            Inet4Address address = staticAddress.orElseGet(() ->
                    current.allocateAddress(network.name(), subnet.name()));
            PrivateEndpoint endpoint = new PrivateEndpoint(name, region, network.name(), subnet.name(), address,
                    manualApproval ? ConnectionStatus.PENDING : ConnectionStatus.APPROVED, description,
                    manualApproval);
            created[0] = true;
            return construct(null, () -> current.withNamespace(namespace.name(), namespaceNetwork -> {
                List<PrivateEndpoint> endpoints = new ArrayList<>(namespaceNetwork.privateEndpoints());
                endpoints.add(endpoint);
                return new NamespaceNetwork(namespaceNetwork.namespace(), namespaceNetwork.ruleSet(), endpoints);
            }));
        });
        Owned owned = find(model, name).orElseThrow();
        if (created[0]) {
            logger.info("private endpoint {} created in {}/{} at {} for namespace {}: {}", name,
                    owned.endpoint().virtualNetwork(), owned.endpoint().subnet(),
                    owned.endpoint().privateIpAddress().getHostAddress(), namespace.name(), owned.endpoint().status());
        }
        return ManagementResponse.json(created[0] ? HttpResponseStatus.CREATED : HttpResponseStatus.OK,
                ArmJson.privateEndpoint(scope, owned.namespace(), owned.endpoint()));
    }

    /** Deletes a private endpoint and with it the namespace's connection; its address is unbound. */
    ManagementResponse deletePrivateEndpoint(ManagementRequest request) {
        String name = request.pathParameters().get("name");
        Owned[] deleted = new Owned[1];
        state.update(current -> {
            Optional<Owned> existing = find(current, name);
            if (existing.isEmpty()) {
                return current;
            }
            deleted[0] = existing.get();
            return current.withNamespace(existing.get().namespace().name(), network -> new NamespaceNetwork(
                    network.namespace(), network.ruleSet(), network.privateEndpoints().stream()
                    .filter(endpoint -> !endpoint.name().equalsIgnoreCase(name)).toList()));
        });
        if (deleted[0] == null) {
            return ArmApi.noContent();
        }
        logger.info("private endpoint {} of namespace {} deleted", deleted[0].endpoint().name(),
                deleted[0].namespace().name());
        return ManagementResponse.json(HttpResponseStatus.OK, ArmJson.object());
    }

    /** A private endpoint with the configuration of its namespace. */
    record Owned(NamespaceConfig namespace, PrivateEndpoint endpoint) {
    }

    /** The endpoint named {@code name} (ignoring case) of any configured namespace. */
    Optional<Owned> find(NetworkModel model, String name) {
        for (NamespaceConfig namespace : registry.configs()) {
            Optional<PrivateEndpoint> endpoint = model.namespace(namespace.name()).privateEndpoint(name);
            if (endpoint.isPresent()) {
                return Optional.of(new Owned(namespace, endpoint.get()));
            }
        }
        return Optional.empty();
    }

    /** ARM writes regions as "West Europe" or "westeurope"; the model compares them as {@code westeurope}. */
    static String region(String location) {
        return location.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static Optional<Inet4Address> staticAddress(RequestBody configurations) {
        if (!configurations.present()) {
            return Optional.empty();
        }
        List<RequestBody> elements = configurations.elements();
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        RequestBody address = elements.get(0).field("properties").field("privateIPAddress");
        if (!address.present()) {
            return Optional.empty();
        }
        Ipv4Prefix prefix = address.parsed(Ipv4Prefix::parse);
        if (prefix.length() != 32) {
            throw address.refused("an IPv4 address such as 10.0.0.4, not a prefix");
        }
        return Optional.of(prefix.address(0));
    }

    /**
     * Runs a constructor or model change, turning its validation message ({@code field: value (expected: ...)})
     * into a 400 whose field is prefixed by {@code path} (none for the model's own paths); quota errors pass.
     */
    static <T> T construct(String path, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (QuotaExceededException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw ArmException.badRequest("The request content was invalid: "
                    + (path == null ? "" : path + '.') + e.getMessage() + '.');
        }
    }

    private static ManagementResponse ok(ObjectNode json) {
        return ManagementResponse.json(HttpResponseStatus.OK, json);
    }
}
