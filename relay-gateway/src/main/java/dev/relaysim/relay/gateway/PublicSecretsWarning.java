package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The start-up warning about secrets everybody knows on an address beyond loopback. */
final class PublicSecretsWarning {

    private static final Set<String> DEVELOPMENT_KEYS = Set.of(DevDefaults.KEY, DevDefaults.SECONDARY_KEY);

    private PublicSecretsWarning() {
    }

    /**
     * A warning when the gateway listens beyond loopback (a wildcard, another interface's address or a host name other
     * than {@code localhost}) with secrets everybody knows: the development admin key of the management API or the
     * development SAS keys. Empty when it listens on loopback only or every such secret was replaced.
     */
    static Optional<String> of(GatewayConfig config) {
        ListenSettings listen = config.listen();
        String bind = listen.bindAddress();
        boolean literal = NetUtil.isValidIpV4Address(bind) || NetUtil.isValidIpV6Address(bind);
        if (bind.equalsIgnoreCase("localhost") || literal && NetUtil.createInetAddressFromIpAddressString(bind)
                .isLoopbackAddress()) {
            return Optional.empty();
        }
        List<String> known = new ArrayList<>();
        if (listen.managementEnabled() && ListenSettings.DEFAULT_ADMIN_KEY.equals(listen.managementAdminKey())) {
            known.add("the development admin key of the management API (listen.management.adminKey)");
        }
        List<String> rules = new ArrayList<>();
        for (NamespaceConfig namespace : config.namespaces()) {
            namespace.authorizationRules().stream().filter(PublicSecretsWarning::hasDevelopmentKey)
                    .forEach(rule -> rules.add(namespace.name() + '/' + rule.name()));
            namespace.hybridConnections().forEach(entity -> entity.authorizationRules().stream()
                    .filter(PublicSecretsWarning::hasDevelopmentKey)
                    .forEach(rule -> rules.add(namespace.name() + '/' + entity.name() + '/' + rule.name())));
        }
        if (!rules.isEmpty()) {
            known.add("the development SAS keys of rules " + rules);
        }
        return known.isEmpty() ? Optional.empty() : Optional.of("listening on " + bind + ", beyond loopback, with "
                + String.join(" and ", known) + ": they are public, so anyone who can reach this address can use "
                + "them; set your own keys or bind to 127.0.0.1");
    }

    private static boolean hasDevelopmentKey(AuthorizationRuleConfig rule) {
        return DEVELOPMENT_KEYS.contains(rule.primaryKey()) || DEVELOPMENT_KEYS.contains(rule.secondaryKey());
    }
}
