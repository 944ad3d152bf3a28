package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.auth.AccessRight;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The records validate on their own, for code that builds a configuration without the loader. */
class ConfigRecordsTest {

    private static final AuthorizationRuleConfig RULE = new AuthorizationRuleConfig("listen-send", "secret-1",
            "secret-2", Set.of(AccessRight.SEND, AccessRight.LISTEN));
    private static final ListenSettings LISTEN = new ListenSettings("127.0.0.1", true, 0, true, 0,
            new PortRange(20000, 20009), true, 0);
    private static final ProtocolSettings PROTOCOL = new ProtocolSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
            1024, 25, Duration.ofSeconds(1));

    @Test
    void ruleToStringHidesTheKeys() {
        assertThat(RULE.toString())
                .isEqualTo("AuthorizationRuleConfig[name=listen-send, rights=[Listen, Send]]")
                .doesNotContain("secret");
    }

    @Test
    void portRangeFindsTheInstanceOfAPort() {
        PortRange range = new PortRange(9400, 9599);

        assertThat(range.instanceOf(9400)).isZero();
        assertThat(range.instanceOf(9443)).isEqualTo(43);
        assertThat(range.instanceOf(9599)).isEqualTo(199);
        assertThat(range.instanceOf(9399)).isEqualTo(-1);
        assertThat(range.instanceOf(9600)).isEqualTo(-1);
        assertThat(range.instanceOf(0)).isEqualTo(-1);
    }

    @Test
    void rightsAreCopiedAndUnmodifiable() {
        Set<AccessRight> rights = EnumSet.of(AccessRight.LISTEN);
        AuthorizationRuleConfig rule = new AuthorizationRuleConfig("r", "k", "k", rights);
        rights.add(AccessRight.SEND);

        assertThat(rule.rights()).containsExactly(AccessRight.LISTEN);
        assertThatThrownBy(() -> rule.rights().add(AccessRight.SEND)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void namespaceHostNameDefaultsToTheAzureSuffix() {
        NamespaceConfig namespace = new NamespaceConfig("Contoso", null, List.of(RULE), List.of());

        assertThat(namespace.hostName()).isEqualTo("contoso.servicebus.windows.net");
    }

    @Test
    void listsAreCopied() {
        List<HybridConnectionConfig> hybridConnections = new ArrayList<>();
        hybridConnections.add(new HybridConnectionConfig("echo", false, List.of()));
        NamespaceConfig namespace = new NamespaceConfig("contoso", "relay.test", List.of(), hybridConnections);
        hybridConnections.clear();

        assertThat(namespace.hybridConnections()).hasSize(1);
        assertThat(namespace.hybridConnection("ECHO").orElseThrow().requiresClientAuthorization()).isFalse();
        assertThatThrownBy(() -> namespace.hybridConnections().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void gatewayConfigChecksTheDefaultNamespace() {
        NamespaceConfig contoso = new NamespaceConfig("contoso", null, List.of(), List.of());

        assertThat(new GatewayConfig(LISTEN, PROTOCOL, Path.of("data"), "CONTOSO", List.of(contoso))
                .namespace("Contoso"))
                .contains(contoso);
        assertThatThrownBy(() -> new GatewayConfig(LISTEN, PROTOCOL, Path.of("data"), "other", List.of(contoso)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultNamespace: \"other\" (expected: one of contoso)");
    }

    @Test
    void theBuilderStartsFromTheDefaultsAndValidatesWhatItBuilds() {
        NamespaceConfig contoso = new NamespaceConfig("contoso", null, List.of(), List.of());

        assertThat(GatewayConfig.builder().build()).isEqualTo(ConfigLoader.defaults());
        GatewayConfig built = GatewayConfig.builder().listen(LISTEN).protocol(PROTOCOL)
                .dataDirectory(Path.of("data"), true).namespaces(List.of(contoso), "contoso")
                .virtualNetworks(List.of()).dns(DnsSettings.DISABLED).limits(new LimitSettings(1, 2, 3))
                .events(new EventSettings(5, true)).build();
        assertThat(built).isEqualTo(new GatewayConfig(LISTEN, PROTOCOL, Path.of("data"), "contoso",
                List.of(contoso), List.of(), DnsSettings.DISABLED, RendezvousFaults.NONE, new LimitSettings(1, 2, 3),
                true, new EventSettings(5, true)));
        assertThat(built.toBuilder().protocol(ConfigLoader.defaults().protocol()).build().protocol())
                .isEqualTo(ConfigLoader.defaults().protocol());
        assertThatThrownBy(() -> built.toBuilder().namespaces(List.of(contoso), "other").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultNamespace: \"other\" (expected: one of contoso)");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> new GatewayConfig(LISTEN, PROTOCOL, null, "contoso", List.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dataDirectory");
        assertThatThrownBy(() -> new AuthorizationRuleConfig("r", "k", null, Set.of(AccessRight.SEND)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("secondaryKey");
        assertThatThrownBy(() -> new ListenSettings("127.0.0.1", true, 1, true, 2, null, true, 3))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("rendezvousPorts");
    }

    @Test
    void recordMessagesNameTheirFields() {
        assertThatThrownBy(() -> new ListenSettings("127.0.0.1", true, -1, true, 0, new PortRange(1, 1), true, 0))
                .hasMessage("tls.port: -1 (expected: 0-65535, 0 for an ephemeral port)")
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.field()).isEqualTo("tls.port");
                    assertThat(e.detail()).isEqualTo("-1 (expected: 0-65535, 0 for an ephemeral port)");
                });
        assertThatThrownBy(() -> new ListenSettings("127.0.0.1", true, 0, true, 0, new PortRange(1, 1), false, -1))
                .hasMessage("management.port: -1 (expected: 0-65535, 0 for an ephemeral port)");
        assertThatThrownBy(() -> new ProtocolSettings(Duration.ZERO, Duration.ofSeconds(1), 1024, 1,
                Duration.ofSeconds(1)))
                .hasMessage("rendezvousTimeout: 0s (expected: > 0)");
        assertThatThrownBy(() -> new ProtocolSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 1024, 1,
                Duration.ofMillis(-500)))
                .hasMessage("shutdownTimeout: PT-0.5S (expected: > 0)");
    }
}
