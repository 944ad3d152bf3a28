package dev.relaysim.relay.gateway;

import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.config.AuthorizationRuleConfig;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.HybridConnectionConfig;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up warning about public development secrets on an address beyond loopback. */
class PublicSecretsWarningTest {

    private static final PortRange PORTS = new PortRange(9400, 9409);

    @Test
    void loopbackIsQuietWhateverTheKeys() {
        for (String bind : List.of("127.0.0.1", "127.20.0.4", "::1", "localhost")) {
            assertThat(PublicSecretsWarning.of(config(bind, ListenSettings.DEFAULT_ADMIN_KEY,
                    TestGateway.defaultNamespaces()))).as(bind).isEmpty();
        }
    }

    @Test
    void aWildcardWithTheDevelopmentSecretsNamesEachOne() {
        assertThat(PublicSecretsWarning.of(config("0.0.0.0", ListenSettings.DEFAULT_ADMIN_KEY,
                TestGateway.defaultNamespaces()))).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("listening on 0.0.0.0, beyond loopback, with the development admin key")
                .contains("sandbox/RootManageSharedAccessKey", "contoso/RootManageSharedAccessKey")
                .doesNotContain("listen-only", TestGateway.KEY, ListenSettings.DEFAULT_ADMIN_KEY));
        NamespaceConfig entityRule = new NamespaceConfig("ownkeys", "ownkeys.servicebus.windows.net", List.of(),
                List.of(
                new HybridConnectionConfig("hc", true, List.of(new AuthorizationRuleConfig("r", "b3du",
                        TestGateway.SECONDARY_KEY, EnumSet.of(AccessRight.SEND))))));
        assertThat(PublicSecretsWarning.of(config("192.0.2.10", "own-admin-key", List.of(entityRule))))
                .hasValueSatisfying(warning -> assertThat(warning).doesNotContain("admin key")
                        .contains("development SAS keys of rules [ownkeys/hc/r]"));
    }

    @Test
    void aWildcardWithOwnSecretsIsQuiet() {
        NamespaceConfig own = new NamespaceConfig("ownkeys", "ownkeys.servicebus.windows.net", List.of(
                new AuthorizationRuleConfig("root", "b3duLWtleQ==", "b3duLWtleS0y", EnumSet.allOf(AccessRight.class))),
                List.of(new HybridConnectionConfig("hc", true, List.of())));
        assertThat(PublicSecretsWarning.of(config("0.0.0.0", "own-admin-key", List.of(own)))).isEmpty();
    }

    private static GatewayConfig config(String bind, String adminKey, List<NamespaceConfig> namespaces) {
        GatewayConfig base = TestGateway.builder().namespaces(namespaces, namespaces.get(0).name())
                .config(Path.of("data"), PORTS);
        ListenSettings listen = base.listen();
        return new GatewayConfig(new ListenSettings(bind, listen.tlsEnabled(), listen.tlsPort(), listen.plainEnabled(),
                listen.plainPort(), listen.rendezvousPorts(), true, listen.managementPort(), adminKey),
                base.protocol(), base.dataDirectory(), base.defaultNamespace(), base.namespaces(),
                base.virtualNetworks(), base.dns(), base.faults());
    }
}
