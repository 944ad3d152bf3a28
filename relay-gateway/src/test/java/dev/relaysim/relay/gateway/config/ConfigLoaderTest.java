package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.auth.AccessRight;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.DefaultAction;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import dev.relaysim.relay.gateway.network.NetworkRuleSet;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.PublicNetworkAccess;
import dev.relaysim.relay.gateway.network.Subnet;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path directory;

    @Test
    void defaultsAreTheEmbeddedSandbox() {
        GatewayConfig config = ConfigLoader.defaults();

        assertThat(config.listen()).isEqualTo(new ListenSettings("127.0.0.1", true, 9443, true, 9080,
                new PortRange(9400, 9599), true, 9390));
        assertThat(config.protocol()).isEqualTo(new ProtocolSettings(Duration.ofSeconds(30), Duration.ofSeconds(10),
                16 * 1024 * 1024, 25, Duration.ofSeconds(5)));
        assertThat(config.dataDirectory()).isEqualTo(Path.of(System.getProperty("user.home"), ".relaysim")
                .toAbsolutePath());
        assertThat(config.defaultNamespace()).isEqualTo("sandbox");
        assertThat(config.namespaces()).extracting(NamespaceConfig::name).containsExactly("sandbox", "contoso");

        NamespaceConfig sandbox = config.namespace("sandbox").orElseThrow();
        assertThat(sandbox.hostName()).isEqualTo("sandbox.servicebus.windows.net");
        assertThat(sandbox.authorizationRules()).containsExactly(new AuthorizationRuleConfig(
                DevDefaults.KEY_NAME, DevDefaults.KEY, DevDefaults.SECONDARY_KEY,
                Set.of(AccessRight.LISTEN, AccessRight.SEND, AccessRight.MANAGE)));
        assertThat(sandbox.hybridConnections()).containsExactly(new HybridConnectionConfig("echo", true, List.of()));
    }

    @Test
    void developmentKeysLookLikeAzureKeys() {
        assertThat(DevDefaults.KEY_NAME).isEqualTo("RootManageSharedAccessKey");
        for (String key : new String[] {DevDefaults.KEY, DevDefaults.SECONDARY_KEY}) {
            assertThat(key).hasSize(44);
            assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        }
        assertThat(new String(Base64.getDecoder().decode(DevDefaults.KEY), StandardCharsets.US_ASCII))
                .isEqualTo("relaysim-dev-key-do-not-use-prod");
        assertThat(DevDefaults.SECONDARY_KEY).isNotEqualTo(DevDefaults.KEY);
    }

    @Test
    void namespaceLookupIgnoresCase() {
        GatewayConfig config = ConfigLoader.defaults();

        assertThat(config.namespace("SANDBOX")).isPresent();
        assertThat(config.namespace("other")).isEmpty();
        assertThat(config.namespaces().get(0).hybridConnection("Echo")).isPresent();
    }

    @Test
    void dataDirectoryDefaultsToHomeFromTheEnvironment() throws Exception {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of("HOME", directory.toString()));

        assertThat(config.dataDirectory()).isEqualTo(directory.resolve(".relaysim"));
        assertThat(config.dataDirectoryExplicit()).isFalse();
    }

    @Test
    void aDataDirectoryFromTheFileAnEnvironmentVariableOrAFlagIsExplicit() throws Exception {
        Path file = write("{\"dataDirectory\": \"state\"}");

        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).dataDirectoryExplicit()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("RELAYSIM_DATA_DIR", "state")).dataDirectoryExplicit())
                .isTrue();
        assertThat(ConfigLoader.load(null, Map.of("data-dir", "state"), Map.of()).dataDirectoryExplicit()).isTrue();
        assertThat(ConfigLoader.load(write("{\"dataDirectory\": null}"), Map.of(), Map.of()).dataDirectoryExplicit())
                .isFalse();
    }

    @Test
    void flagOverridesEnvironmentOverridesFileOverridesDefault() throws Exception {
        Path file = write("{\"listen\": {\"tls\": {\"port\": 1000}}}");
        Map<String, String> environment = Map.of("RELAYSIM_TLS_PORT", "2000");
        Map<String, String> flags = Map.of("tls-port", "3000");

        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).listen().tlsPort()).isEqualTo(9443);
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).listen().tlsPort()).isEqualTo(1000);
        assertThat(ConfigLoader.load(file, Map.of(), environment).listen().tlsPort()).isEqualTo(2000);
        assertThat(ConfigLoader.load(file, flags, environment).listen().tlsPort()).isEqualTo(3000);
        assertThat(ConfigLoader.load(null, flags, environment).listen().tlsPort()).isEqualTo(3000);
    }

    @Test
    void everyFlagAndItsEnvironmentVariableSetTheirField() throws Exception {
        Map<String, String> flags = Map.ofEntries(
                Map.entry("bind-address", "0.0.0.0"),
                Map.entry("tls", "false"),
                Map.entry("tls-port", "10443"),
                Map.entry("plain", "TRUE"),
                Map.entry("plain-port", "0"),
                Map.entry("rendezvous-ports", "20000-20009"),
                Map.entry("management", "false"),
                Map.entry("management-port", "9391"),
                Map.entry("management-admin-key", "s3cret-admin-key"),
                Map.entry("advertised-host", "relay.example"),
                Map.entry("advertised-tls-port", "443"),
                Map.entry("advertised-plain-port", "80"),
                Map.entry("advertised-rendezvous-ports", "30000-30004, 30010-30014"),
                Map.entry("data-dir", directory.resolve("data").toString()),
                Map.entry("default-namespace", "sandbox"),
                Map.entry("rendezvous-timeout", "PT1M"),
                Map.entry("handshake-timeout", "500ms"),
                Map.entry("max-message-size", "64KiB"),
                Map.entry("shutdown-timeout", "2m"),
                Map.entry("response-timeout", "90s"),
                Map.entry("token-expiry-grace", "30s"));
        Map<String, String> environment = new HashMap<>();
        flags.forEach((flag, value) -> environment.put("RELAYSIM_" + flag.toUpperCase().replace('-', '_'), value));

        for (GatewayConfig config : new GatewayConfig[] {
                ConfigLoader.load(null, flags, Map.of()), ConfigLoader.load(null, Map.of(), environment)}) {
            assertThat(config.listen()).isEqualTo(new ListenSettings("0.0.0.0", false, 10443, true, 0,
                    new PortRange(20000, 20009), false, 9391, "s3cret-admin-key",
                    new AdvertisedSettings("relay.example", 443, 80,
                            List.of(30000, 30001, 30002, 30003, 30004, 30010, 30011, 30012, 30013, 30014))));
            assertThat(config.protocol()).isEqualTo(new ProtocolSettings(Duration.ofMinutes(1), Duration.ofMillis(500),
                    64 * 1024, 25, Duration.ofMinutes(2), Duration.ofSeconds(90), Duration.ofSeconds(30)));
            assertThat(config.dataDirectory()).isEqualTo(directory.resolve("data"));
        }
    }

    @Test
    void flagsMayBeSpelledWithDashesAndNullMeansNotSet() throws Exception {
        Map<String, String> flags = new HashMap<>();
        flags.put("--plain-port", "8080");
        flags.put("tls-port", null);

        GatewayConfig config = ConfigLoader.load(null, flags, Map.of("RELAYSIM_TLS_PORT", "7443"));

        assertThat(config.listen().plainPort()).isEqualTo(8080);
        assertThat(config.listen().tlsPort()).isEqualTo(7443);
    }

    @Test
    void blankEnvironmentVariablesAndOtherVariablesAreIgnored() throws Exception {
        GatewayConfig config = ConfigLoader.load(null, Map.of(),
                Map.of("RELAYSIM_TLS_PORT", " ", "RELAYSIM_SOMETHING_ELSE", "x", "PATH", "/bin"));

        assertThat(config.listen().tlsPort()).isEqualTo(9443);
    }

    @Test
    void unknownFlagIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls-prot", "1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--tls-prot: unknown flag (expected: one of --bind-address, --tls, "
                        + "--tls-port,");
    }

    @Test
    void fileMergesIntoTheDefaults() throws Exception {
        Path file = write("""
                {"protocol": {"rendezvousTimeout": "5s"}, "listen": {"plain": {"enabled": false}}, "dataDirectory": \
                null}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of(), Map.of("HOME", directory.toString()));

        assertThat(config.protocol().rendezvousTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.protocol().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.listen().plainEnabled()).isFalse();
        assertThat(config.listen().plainPort()).isEqualTo(9080);
        assertThat(config.listen().tlsEnabled()).isTrue();
        assertThat(config.namespace("sandbox")).isPresent();
        assertThat(config.dataDirectory()).isEqualTo(directory.resolve(".relaysim"));
    }

    @Test
    void fileNamespacesReplaceTheDefaultOnesAndTheFirstBecomesTheDefault() throws Exception {
        Path file = write("""
                {"namespaces": [
                  {"name": "contoso", "hybridConnections": [{"name": "orders/eu"}],
                   "authorizationRules": [{"name": "send-only", "primaryKey": "k1", "rights": ["send"]}]},
                  {"name": "fabrikam", "hostName": "Relay.Fabrikam.Test"}
                ]}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        assertThat(config.defaultNamespace()).isEqualTo("contoso");
        assertThat(config.namespaces()).extracting(NamespaceConfig::name).containsExactly("contoso", "fabrikam");
        NamespaceConfig contoso = config.namespaces().get(0);
        assertThat(contoso.hostName()).isEqualTo("contoso.servicebus.windows.net");
        assertThat(contoso.hybridConnections()).containsExactly(new HybridConnectionConfig("orders/eu", true,
                List.of()));
        assertThat(contoso.authorizationRules()).containsExactly(
                new AuthorizationRuleConfig("send-only", "k1", "k1", Set.of(AccessRight.SEND)));
        NamespaceConfig fabrikam = config.namespaces().get(1);
        assertThat(fabrikam.hostName()).isEqualTo("relay.fabrikam.test");
        assertThat(fabrikam.authorizationRules()).isEmpty();
        assertThat(fabrikam.hybridConnections()).isEmpty();
    }

    @Test
    void defaultNamespaceFromTheFileOrAFlag() throws Exception {
        Path file = write("""
                {"defaultNamespace": "fabrikam", "namespaces": [{"name": "contoso"}, {"name": "fabrikam"}]}
                """);

        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).defaultNamespace()).isEqualTo("fabrikam");
        assertThat(ConfigLoader.load(file, Map.of("default-namespace", "contoso"), Map.of()).defaultNamespace())
                .isEqualTo("contoso");
    }

    @Test
    void relativeDataDirectoryInTheFileIsRelativeToTheFile() throws Exception {
        Path file = write("{\"dataDirectory\": \"state/relay\"}");

        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).dataDirectory())
                .isEqualTo(directory.resolve("state/relay"));
    }

    @Test
    void tildeInTheDataDirectoryIsTheHomeDirectory() throws Exception {
        Path file = write("{\"dataDirectory\": \"~/relay\"}");
        Map<String, String> environment = Map.of("HOME", directory.toString());

        assertThat(ConfigLoader.load(file, Map.of(), environment).dataDirectory())
                .isEqualTo(directory.resolve("relay"));
        assertThat(ConfigLoader.load(null, Map.of("data-dir", "~"), environment).dataDirectory()).isEqualTo(directory);
    }

    @Test
    void relativeDataDirectoryFlagIsRelativeToTheWorkingDirectory() throws Exception {
        Path file = write("{\"dataDirectory\": \"state\"}");

        assertThat(ConfigLoader.load(file, Map.of("data-dir", "here"), Map.of()).dataDirectory())
                .isEqualTo(Path.of("here").toAbsolutePath());
    }

    @Test
    void unknownFieldIsRefusedWithItsPath() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": {\"tls\": {\"prot\": 1}}}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.tls.prot: unknown field (expected: one of enabled, port)");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"namespaces": [{"name": "contoso", "hybridConnections": [{"name": "a", "requiresAuthorization": \
                false}]}]}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("namespaces[0].hybridConnections[0].requiresAuthorization: unknown field "
                            + "(expected: one of name, requiresClientAuthorization, authorizationRules, userMetadata)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"namespace\": []}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("namespace: unknown field "
                            + "(expected: one of listen, protocol, dataDirectory, defaultNamespace, namespaces, "
                            + "virtualNetworks, dns, faults, limits, events, cluster)");
    }

    @Test
    void anUnknownFieldWithAnEmptyNameIsShownQuoted() throws Exception {
        // Found by ConfigLoaderFuzzTest: the message was ": unknown field ..." (top level) or "listen.tls.: ...".
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"\": 1}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("\"\": unknown field (expected: one of listen, protocol, ");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": {\"tls\": {\"\": 1}}}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.tls.\"\": unknown field (expected: one of enabled, port)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"faults\": {\"\": 1}}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("faults.\"\": unknown field (expected: blockedRendezvousPorts)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"dns\": {\"faults\": {\"staleARecords\": {\"\": {}}}}}"),
                Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("dns.faults.staleARecords.\"\": {} (expected: a string)");
    }

    @Test
    void dnsResponderFromDefaultsFlagsEnvironmentAndFile() throws Exception {
        assertThat(ConfigLoader.defaults().dns()).isEqualTo(new DnsSettings(true, "127.0.0.1", 1053, DnsFaults.NONE));
        Map<String, String> flags = Map.of("dns", "false", "dns-bind-address", "127.0.0.53", "dns-port", "0");
        Map<String, String> environment = new HashMap<>();
        flags.forEach((flag, value) -> environment.put("RELAYSIM_" + flag.toUpperCase().replace('-', '_'), value));
        DnsSettings expected = new DnsSettings(false, "127.0.0.53", 0, DnsFaults.NONE);
        assertThat(ConfigLoader.load(null, flags, Map.of()).dns()).isEqualTo(expected);
        assertThat(ConfigLoader.load(null, Map.of(), environment).dns()).isEqualTo(expected);

        GatewayConfig config = ConfigLoader.load(write("""
                {"dns": {"port": 5353, "faults": {"staleARecords": {"contoso": "127.10.0.9"},
                                                  "missingARecords": ["sandbox"]}}}
                """), Map.of(), Map.of());
        assertThat(config.dns()).isEqualTo(new DnsSettings(true, "127.0.0.1", 5353, new DnsFaults(
                Map.of("contoso", (Inet4Address) InetAddress.getByName("127.10.0.9")), Set.of("sandbox"))));
        // private DNS integration is on by default: zone group on the endpoint, zone link on the network
        assertThat(config.virtualNetworks().get(0).privateDnsZoneLinked()).isTrue();
        assertThat(config.namespace("contoso").orElseThrow().privateEndpoints().get(0).privateDnsZoneGroup()).isTrue();
    }

    @Test
    void privateDnsIntegrationCanBeTurnedOffPerEndpointAndPerNetwork() throws Exception {
        GatewayConfig config = ConfigLoader.load(write("""
                {"namespaces": [{"name": "contoso", "privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1",
                    "subnet": "default", "privateDnsZoneGroup": false}]}],
                 "virtualNetworks": [{"name": "vnet1", "addressPrefixes": ["127.10.0.0/16"],
                    "subnets": [{"name": "default", "addressPrefix": "127.10.0.0/24"}],
                    "privateDnsZoneLinked": false}]}
                """), Map.of(), Map.of());
        assertThat(config.virtualNetworks().get(0).privateDnsZoneLinked()).isFalse();
        assertThat(config.namespace("contoso").orElseThrow().privateEndpoints().get(0).privateDnsZoneGroup()).isFalse();
    }

    @Test
    void badDnsSettingsAreRefusedWithTheirPath() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("dns-port", "9443"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.port (from flag --dns-port): 9443 (expected: a port other than listen's "
                        + "TLS, plain and "
                        + "management ports");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("dns-bind-address", "localhost"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.bindAddress (from flag --dns-bind-address): \"localhost\" (expected: an "
                        + "IP literal");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"dns": {"faults": {"staleARecords": {"contoso": "10.0.0.0/8"}}}}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.faults.staleARecords.contoso: ");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"dns": {"faults": {"staleARecords": {"contoso": "127.10.0.9"}, "missingARecords": ["Contoso"]}}}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.faults.missingARecords: \"contoso\" (expected: not also in staleARecords");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"dns\": {\"prot\": 1}}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.prot");
    }

    @Test
    void rendezvousFaultsComeFromTheFileAndAreCheckedAgainstTheRendezvousPorts() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).faults()).isEqualTo(RendezvousFaults.NONE);
        GatewayConfig config = ConfigLoader.load(write("""
                {"faults": {"blockedRendezvousPorts": [{"ports": "9500-9599", "sources": ["127.10.0.0/16", \
                "127.12.0.9"]}]}}
                """), Map.of(), Map.of());
        assertThat(config.faults().blockedRendezvousPorts()).containsExactly(new RendezvousFault(new PortRange(9500,
                9599),
                List.of(Ipv4Prefix.parse("127.10.0.0/16"), Ipv4Prefix.parse("127.12.0.9/32"))));

        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"faults": {"blockedRendezvousPorts": [{"ports": "9550-9650", "sources": ["127.10.0.0/16"]}]}}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("faults.blockedRendezvousPorts[0].ports: 9550-9650 (expected: inside the rendezvous ports "
                        + "9400-9599)");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"faults": {"blockedRendezvousPorts": [{"ports": "9500-9599", "sources": []}]}}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("faults.blockedRendezvousPorts[0].sources: [] (expected: IPv4 prefixes such as "
                        + "[\"127.10.0.0/16\"], or [\"0.0.0.0/0\"] for every source)");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"faults": {"blockedRendezvousPorts": [{"ports": "9500-9599", "sources": ["10.0.0.0/33"]}]}}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("faults.blockedRendezvousPorts[0].sources[0]: ");
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws Exception {
        Path file = write("{\n  \"listen\": {\n    \"bindAddress\": \"127.0.0.1\",\n  }\n}\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + ": line 4, column 3: Unexpected character ('}'")
                .hasMessageEndingWith("(expected: valid JSON)");
    }

    @Test
    void duplicateJsonKeyIsRefused() throws Exception {
        Path file = write("{\"defaultNamespace\": \"a\",\n \"defaultNamespace\": \"b\"}");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(": line 2, column ")
                .hasMessageContaining("Duplicate field 'defaultNamespace'");
    }

    @Test
    void fileThatIsNotAJsonObjectIsRefused() throws Exception {
        Path empty = write("");
        Path array = write("[]");
        Path trailing = write("{} {}");
        Path missing = directory.resolve("missing.json");

        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of(), Map.of()))
                .hasMessage(empty.toAbsolutePath() + ": empty (expected: a JSON object)");
        assertThatThrownBy(() -> ConfigLoader.load(array, Map.of(), Map.of()))
                .hasMessage(array.toAbsolutePath() + ": a JSON array (expected: a JSON object at the top level)");
        assertThatThrownBy(() -> ConfigLoader.load(trailing, Map.of(), Map.of()))
                .hasMessageStartingWith(trailing.toAbsolutePath() + ": line 1, column ")
                .hasMessageEndingWith("(expected: valid JSON)");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing.toAbsolutePath() + ": no such file (expected: a JSON configuration file)");
    }

    @Test
    void wrongTypesNameTheValueAndTheSource() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": {\"tls\": {\"port\": \"9443\"}}}"), Map.of(),
                Map.of()))
                .hasMessage("listen.tls.port: \"9443\" (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls-port", "abc"), Map.of()))
                .hasMessage("listen.tls.port (from flag --tls-port): \"abc\" (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("RELAYSIM_TLS", "yes")))
                .hasMessage("listen.tls.enabled (from environment variable RELAYSIM_TLS): \"yes\" (expected: true or "
                        + "false)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls-port", "70000"), Map.of()))
                .hasMessage("listen.tls.port (from flag --tls-port): 70000 (expected: 0-65535, 0 for an ephemeral "
                        + "port)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": 5}"), Map.of(), Map.of()))
                .hasMessage("listen: 5 (expected: an object with the fields bindAddress, tls, plain, rendezvousPorts, "
                        + "management, advertised)");
    }

    @Test
    void missingRequiredFieldIsNamed() throws Exception {
        Path file = write("""
                {"namespaces": [{"name": "contoso", "authorizationRules": [{"name": "r", "rights": ["Listen"]}]}]}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("namespaces[0].authorizationRules[0].primaryKey: missing (expected: a string)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            bind-address       | not an address | listen.bindAddress (from flag --bind-address): "not an address" \
            (expected: an IP literal such as 127.0.0.1 or ::, or a host name)
            tls-port           | -1             | listen.tls.port (from flag --tls-port): -1 (expected: 0-65535, 0 for \
            an ephemeral port)
            plain-port         | 65536          | listen.plain.port (from flag --plain-port): 65536 (expected: \
            0-65535, 0 for an ephemeral port)
            plain-port         | 9443           | listen.plain.port (from flag --plain-port): 9443 (expected: a port \
            other than tls.port)
            rendezvous-ports   | 9000-9200      | listen.rendezvousPorts (from flag --rendezvous-ports): "9000-9200" \
            (expected: at most 200 ports, this range has 201)
            rendezvous-ports   | 0-10           | listen.rendezvousPorts (from flag --rendezvous-ports): "0-10" \
            (expected: ports in 1-65535)
            rendezvous-ports   | 9599-9400      | listen.rendezvousPorts (from flag --rendezvous-ports): "9599-9400" \
            (expected: first <= last)
            rendezvous-ports   | 65536          | listen.rendezvousPorts (from flag --rendezvous-ports): "65536" \
            (expected: ports in 1-65535)
            rendezvous-ports   | ports          | listen.rendezvousPorts (from flag --rendezvous-ports): "ports" \
            (expected: a port range such as 9400-9599, or one port)
            management-port    | 70000          | listen.management.port (from flag --management-port): 70000 \
            (expected: 0-65535, 0 for an ephemeral port)
            management-port    | 9080           | listen.management.port (from flag --management-port): 9080 \
            (expected: a port other than tls.port and plain.port, outside rendezvousPorts 9400-9599)
            management-port    | 9443           | listen.management.port (from flag --management-port): 9443 \
            (expected: a port other than tls.port and plain.port, outside rendezvousPorts 9400-9599)
            management-port    | 9500           | listen.management.port (from flag --management-port): 9500 \
            (expected: a port other than tls.port and plain.port, outside rendezvousPorts 9400-9599)
            management-port    | any            | listen.management.port (from flag --management-port): "any" \
            (expected: an integer)
            management         | maybe          | listen.management.enabled (from flag --management): "maybe" \
            (expected: true or false)
            management-admin-key | a b          | listen.management.adminKey (from flag --management-admin-key): 3 \
            characters (expected: 1-256 visible ASCII characters, no spaces)
            advertised-host    | not a host     | listen.advertised.host (from flag --advertised-host): "not a host" \
            (expected: a host name such as localhost or an IP literal such as 192.0.2.10)
            advertised-tls-port | 65536         | listen.advertised.tlsPort (from flag --advertised-tls-port): 65536 \
            (expected: 0-65535, 0 for the bound port)
            advertised-rendezvous-ports | 9400-9401 | listen.advertised.rendezvousPorts (from flag \
            --advertised-rendezvous-ports): 2 ports (expected: 200, one per port of rendezvousPorts 9400-9599)
            advertised-rendezvous-ports | 9400,x | listen.advertised.rendezvousPorts (from flag \
            --advertised-rendezvous-ports): "9400,x" (expected: ports and port ranges separated by commas, such as \
            9400-9599 or 32768,32771)
            default-namespace  | fabrikam       | defaultNamespace (from flag --default-namespace): "fabrikam" \
            (expected: one of sandbox, contoso)
            rendezvous-timeout | 0s             | protocol.rendezvousTimeout (from flag --rendezvous-timeout): 0s \
            (expected: > 0)
            handshake-timeout  | PT-1S          | protocol.handshakeTimeout (from flag --handshake-timeout): PT-1S \
            (expected: > 0)
            shutdown-timeout   | soon           | protocol.shutdownTimeout (from flag --shutdown-timeout): "soon" \
            (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S)
            response-timeout   | 0s             | protocol.responseTimeout (from flag --response-timeout): 0s \
            (expected: > 0)
            token-expiry-grace | -5m            | protocol.tokenExpiryGrace (from flag --token-expiry-grace): "-5m" \
            (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S)
            token-expiry-grace | PT0S           | protocol.tokenExpiryGrace (from flag --token-expiry-grace): 0s \
            (expected: > 0)
            max-message-size   | 1023           | protocol.maxMessageSize (from flag --max-message-size): 1023 \
            (expected: 1024-268435456 bytes, 1KiB-256MiB)
            max-message-size   | 257MiB         | protocol.maxMessageSize (from flag --max-message-size): 269484032 \
            (expected: 1024-268435456 bytes, 1KiB-256MiB)
            max-message-size   | 4096MiB        | protocol.maxMessageSize (from flag --max-message-size): "4096MiB" \
            (expected: a size in bytes such as 16777216, 64KiB or 16MiB, 1024-268435456 bytes)
            max-message-size   | 1GB            | protocol.maxMessageSize (from flag --max-message-size): "1GB" \
            (expected: a size in bytes such as 16777216, 64KiB or 16MiB, 1024-268435456 bytes)
            max-connections-per-source | 0     | limits.maxConnectionsPerSource (from flag \
            --max-connections-per-source): 0 (expected: 1-1000000)
            max-connections-per-source | many  | limits.maxConnectionsPerSource (from flag \
            --max-connections-per-source): "many" (expected: an integer)
            max-pending-rendezvous-per-entity | -1 | limits.maxPendingRendezvousPerEntity (from flag \
            --max-pending-rendezvous-per-entity): -1 (expected: 1-1000000)
            max-relayed-connections-per-namespace | 1000001 | limits.maxRelayedConnectionsPerNamespace (from flag \
            --max-relayed-connections-per-namespace): 1000001 (expected: 1-1000000)
            """)
    void invalidOverridesAreRefused(String flag, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(flag, value), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void managementServerIsConfiguredFromTheFileAndMayShareADisabledPort() throws Exception {
        Path file = write("""
                {"listen": {"management": {"port": 0}}}
                """);
        ListenSettings fromFile = ConfigLoader.load(file, Map.of(), Map.of()).listen();
        assertThat(fromFile.managementEnabled()).isTrue();
        assertThat(fromFile.managementPort()).isZero();

        ListenSettings disabled = ConfigLoader.load(null, Map.of("management", "false", "management-port", "9443"),
                Map.of()).listen();
        assertThat(disabled.managementEnabled()).isFalse();
        assertThat(disabled.managementPort()).isEqualTo(9443);
        assertThat(ConfigLoader.load(null, Map.of("plain", "false", "management-port", "9080"), Map.of()).listen()
                .managementPort()).isEqualTo(9080);
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("RELAYSIM_MANAGEMENT", "false")).listen()
                .managementEnabled()).isFalse();
    }

    @Test
    void managementObjectIsValidatedWithItsPath() throws Exception {
        Path file = write("""
                {"listen": {"management": {"enabled": true, "port": 9390, "address": "0.0.0.0"}}}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.management.address: unknown field (expected: one of enabled, port, adminKey)");
    }

    @Test
    void managementAdminKeyDefaultsToTheDevelopmentKeyAndComesFromTheFile() throws Exception {
        assertThat(ConfigLoader.defaults().listen().managementAdminKey()).isEqualTo(ListenSettings.DEFAULT_ADMIN_KEY)
                .isEqualTo("relaysim-dev-admin-key");
        Path file = write("""
                {"listen": {"management": {"adminKey": "from-the-file"}}}
                """);
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).listen().managementAdminKey())
                .isEqualTo("from-the-file");
        Path empty = write("""
                {"listen": {"management": {"adminKey": ""}}}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.management.adminKey: 0 characters (expected: 1-256 visible ASCII characters, "
                        + "no spaces)");
    }

    @Test
    void bothFrontEndsDisabledIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls", "false", "plain", "false"), Map.of()))
                .hasMessage("listen.tls.enabled (from flag --tls): false "
                            + "(expected: true while plain.enabled is false; at least one front end must run)");
    }

    @Test
    void acceptedLimits() throws Exception {
        GatewayConfig config = ConfigLoader.load(null, Map.of("max-message-size", "256MiB", "rendezvous-ports", "9400",
                "tls-port", "0", "plain-port", "0", "bind-address", "::"), Map.of());

        assertThat(config.protocol().maxMessageSize()).isEqualTo(256 * 1024 * 1024);
        assertThat(config.listen().rendezvousPorts()).isEqualTo(new PortRange(9400, 9400));
        assertThat(ConfigLoader.load(null, Map.of("max-message-size", "1024", "rendezvous-ports", "1-200"), Map.of())
                .protocol().maxMessageSize()).isEqualTo(1024);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            0  | protocol.maxListenersPerEndpoint: 0 (expected: 1-25)
            26 | protocol.maxListenersPerEndpoint: 26 (expected: 1-25)
            """)
    void listenerCapIsOneToTwentyFive(int cap, String message) throws Exception {
        Path file = write("{\"protocol\": {\"maxListenersPerEndpoint\": " + cap + "}}");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessage(message);
        assertThat(ConfigLoader.load(write("{\"protocol\": {\"maxListenersPerEndpoint\": 1}}"), Map.of(), Map.of())
                .protocol().maxListenersPerEndpoint()).isEqualTo(1);
    }

    @Test
    void durationsAsNumbersAreRefused() throws Exception {
        Path file = write("{\"protocol\": {\"rendezvousTimeout\": 30}}");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessage("protocol.rendezvousTimeout: 30 (expected: a duration such as 30s, 500ms, 5m, 1h or "
                        + "PT30S)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"name": "abcde"}                                    | namespaces[0].name: "abcde" (expected: 6-50 \
            characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "1sandbox"}                                 | namespaces[0].name: "1sandbox" (expected: 6-50 \
            characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "sandbox-"}                                 | namespaces[0].name: "sandbox-" (expected: 6-50 \
            characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "sand_box"}                                 | namespaces[0].name: "sand_box" (expected: 6-50 \
            characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "a12345678901234567890123456789012345678901234567890"} | namespaces[0].name: \
            "a12345678901234567890123456789012345678901234567890" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', \
            starting with a letter and not ending with '-')
            {"name": "contoso", "hostName": "bad host"}          | namespaces[0].hostName: "bad host" (expected: a DNS \
            host name such as sandbox.servicebus.windows.net)
            {"name": "contoso", "hybridConnections": [{"name": "/a"}]}      | namespaces[0].hybridConnections[0].name: \
            "/a" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or \
            doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a/"}]}      | namespaces[0].hybridConnections[0].name: \
            "a/" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or \
            doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a//b"}]}    | namespaces[0].hybridConnections[0].name: \
            "a//b" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or \
            doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": ""}]}        | namespaces[0].hybridConnections[0].name: \
            "" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or \
            doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a b"}]}     | namespaces[0].hybridConnections[0].name: \
            "a b" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or \
            doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "echo"}, {"name": "ECHO"}]} | \
            namespaces[0].hybridConnections[1].name: "ECHO" (expected: a name not already used by \
            hybridConnections[0], ignoring case)
            {"name": "contoso", "hybridConnections": [{"name": "echo", "requiresClientAuthorization": "no"}]} | \
            namespaces[0].hybridConnections[0].requiresClientAuthorization: "no" (expected: true or false)
            {"name": "contoso", "authorizationRules": [{"name": "", "primaryKey": "k", "rights": ["Send"]}]}    | \
            namespaces[0].authorizationRules[0].name: "" (expected: 1-256 characters of A-Z, a-z, 0-9, '.', '_', '-')
            {"name": "contoso", "authorizationRules": [{"name": "a b", "primaryKey": "k", "rights": ["Send"]}]} | \
            namespaces[0].authorizationRules[0].name: "a b" (expected: 1-256 characters of A-Z, a-z, 0-9, '.', '_', '-')
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "", "rights": ["Send"]}]}    | \
            namespaces[0].authorizationRules[0].primaryKey: 0 characters (expected: 1-256)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "secondaryKey": "", "rights": \
            ["Send"]}]} | namespaces[0].authorizationRules[0].secondaryKey: 0 characters (expected: 1-256)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": []}]}         | \
            namespaces[0].authorizationRules[0].rights: [] (expected: one or more of Listen, Send, Manage)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Send", "Read"]}]} \
            | namespaces[0].authorizationRules[0].rights[1]: "Read" (expected: Listen, Send or Manage)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Manage"]}]}  | \
            namespaces[0].authorizationRules[0].rights: [Manage] (expected: Manage only together with Listen and Send)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Manage", \
            "Listen"]}]} | namespaces[0].authorizationRules[0].rights: [Listen, Manage] (expected: Manage only \
            together with Listen and Send)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": "Send"}]}      | \
            namespaces[0].authorizationRules[0].rights: "Send" (expected: an array)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Send"]}, {"name": \
            "R", "primaryKey": "k", "rights": ["Send"]}]} | namespaces[0].authorizationRules[1].name: "R" (expected: a \
            name not already used by authorizationRules[0], ignoring case)
            {"name": "contoso", "hybridConnections": [{"name": "echo", "authorizationRules": [{"name": "r", \
            "primaryKey": "k", "rights": ["Listen"]}, {"name": "r", "primaryKey": "k", "rights": ["Send"]}]}]} | \
            namespaces[0].hybridConnections[0].authorizationRules[1].name: "r" (expected: a name not already used by \
            authorizationRules[0], ignoring case)
            """)
    void invalidNamespacesAreRefused(String namespace, String message) throws Exception {
        Path file = write("{\"namespaces\": [" + namespace + "]}");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void longestNamesAndKeysAreAccepted() throws Exception {
        String namespace = "a" + "b".repeat(48) + "c";
        String hybridConnection = "h".repeat(100) + '/' + "i".repeat(159);
        String rule = "r".repeat(256);
        String key = "k".repeat(256);
        Path file = write("{\"namespaces\": [{\"name\": \"" + namespace + "\", \"hybridConnections\": [{\"name\": \""
                          + hybridConnection + "\"}], \"authorizationRules\": [{\"name\": \"" + rule
                          + "\", \"primaryKey\": \"" + key + "\", \"rights\": [\"listen\", \"SEND\", \"Manage\"]}]}]}");

        NamespaceConfig config = ConfigLoader.load(file, Map.of(), Map.of()).namespaces().get(0);

        assertThat(config.name()).hasSize(50);
        assertThat(config.hybridConnections().get(0).name()).hasSize(260);
        assertThat(config.authorizationRules().get(0).name()).hasSize(256);
        assertThat(config.authorizationRules().get(0).rights()).containsExactly(AccessRight.LISTEN, AccessRight.SEND,
                AccessRight.MANAGE);
    }

    @Test
    void tooLongNamesAndKeysAreRefused() throws Exception {
        Path hybridConnection = write("{\"namespaces\": [{\"name\": \"contoso\", \"hybridConnections\": [{\"name\": \""
                                      + "h".repeat(261) + "\"}]}]}");
        Path rule = write("{\"namespaces\": [{\"name\": \"contoso\", \"authorizationRules\": [{\"name\": \""
                          + "r".repeat(257) + "\", \"primaryKey\": \"k\", \"rights\": [\"Send\"]}]}]}");
        Path key = write("{\"namespaces\": [{\"name\": \"contoso\", \"authorizationRules\": [{\"name\": \"r\", "
                         + "\"primaryKey\": \"" + "k".repeat(257) + "\", \"rights\": [\"Send\"]}]}]}");

        assertThatThrownBy(() -> ConfigLoader.load(hybridConnection, Map.of(), Map.of()))
                .hasMessageStartingWith("namespaces[0].hybridConnections[0].name: \"hhh");
        assertThatThrownBy(() -> ConfigLoader.load(rule, Map.of(), Map.of()))
                .hasMessageStartingWith("namespaces[0].authorizationRules[0].name: \"rrr");
        assertThatThrownBy(() -> ConfigLoader.load(key, Map.of(), Map.of()))
                .hasMessage("namespaces[0].authorizationRules[0].primaryKey: 257 characters (expected: 1-256)");
    }

    @Test
    void duplicateNamespacesAreRefused() throws Exception {
        Path names = write("{\"namespaces\": [{\"name\": \"contoso\"}, {\"name\": \"Contoso\"}]}");
        Path hosts = write("{\"namespaces\": [{\"name\": \"contoso\", \"hostName\": \"relay.test\"}, "
                           + "{\"name\": \"fabrikam\", \"hostName\": \"RELAY.test\"}]}");

        assertThatThrownBy(() -> ConfigLoader.load(names, Map.of(), Map.of()))
                .hasMessage("namespaces[1].name: \"Contoso\" (expected: a name not already used by namespaces[0], "
                        + "ignoring case)");
        assertThatThrownBy(() -> ConfigLoader.load(hosts, Map.of(), Map.of()))
                .hasMessage("namespaces[1].hostName: \"relay.test\" "
                            + "(expected: a hostName not already used by namespaces[0], ignoring case)");
    }

    @Test
    void emptyNamespacesAndUndeclaredDefaultAreRefused() throws Exception {
        Path empty = write("{\"namespaces\": []}");
        Path undeclared = write("{\"defaultNamespace\": \"fabrikam\", \"namespaces\": [{\"name\": \"contoso\"}]}");

        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of(), Map.of()))
                .hasMessage("namespaces: [] (expected: at least one namespace)");
        assertThatThrownBy(() -> ConfigLoader.load(undeclared, Map.of(), Map.of()))
                .hasMessage("defaultNamespace: \"fabrikam\" (expected: one of contoso)");
    }

    @Test
    void defaultsPutContosoBehindItsPrivateEndpoint() throws Exception {
        GatewayConfig config = ConfigLoader.defaults();

        assertThat(config.virtualNetworks()).containsExactly(new VirtualNetwork("vnet1", "westeurope",
                List.of(Ipv4Prefix.parse("127.10.0.0/16")),
                List.of(new Subnet("default", Ipv4Prefix.parse("127.10.0.0/24"))), List.of()));
        NamespaceConfig contoso = config.namespace("contoso").orElseThrow();
        assertThat(contoso.region()).isEqualTo("westeurope");
        assertThat(contoso.networkRuleSet()).isEqualTo(new NetworkRuleSet(PublicNetworkAccess.DISABLED,
                DefaultAction.ALLOW, List.of(), false));
        assertThat(contoso.privateEndpoints()).containsExactly(new PrivateEndpoint("contoso-pe", "westeurope", "vnet1",
                "default", (Inet4Address) InetAddress.getByName("127.10.0.4"), ConnectionStatus.APPROVED,
                "Auto-Approved", false));
        assertThat(config.namespace("sandbox").orElseThrow().networkRuleSet()).isEqualTo(NetworkRuleSet.OPEN);
        assertThat(config.networkModel().privateEndpointsByAddress()).containsOnlyKeys(
                InetAddress.getByName("127.10.0.4"));
    }

    @Test
    void networkSettingsBindWithDefaultsAndAllocatedAddresses() throws Exception {
        GatewayConfig config = ConfigLoader.load(write("""
                {"virtualNetworks": [{"name": "hub", "region": "northeurope", "addressPrefixes": ["10.1.0.0/16"],
                                      "subnets": [{"name": "pe", "addressPrefix": "10.1.2.0/24"}],
                                      "connectedNetworks": ["192.168.0.0/16"]}],
                 "namespaces": [{"name": "fabrikam", "region": "eastus", "publicNetworkAccess": "enabled",
                                 "networkRuleSet": {"defaultAction": "Deny", "trustedServiceAccessEnabled": true,
                                                    "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"},
                                                                {"ipMask": "198.51.100.7"}]},
                                 "authorizationRules": [{"name": "grid", "primaryKey": "k", "rights": ["Send"],
                                                         "trustedService": true}],
                                 "privateEndpoints": [{"name": "a", "virtualNetwork": "hub", "subnet": "pe"},
                                                      {"name": "b", "virtualNetwork": "hub", "subnet": "pe",
                                                       "privateIpAddress": "10.1.2.4", "manualApproval": true}]}]}
                """), Map.of(), Map.of());

        NamespaceConfig fabrikam = config.namespace("fabrikam").orElseThrow();
        assertThat(fabrikam.region()).isEqualTo("eastus");
        assertThat(fabrikam.networkRuleSet()).isEqualTo(new NetworkRuleSet(PublicNetworkAccess.ENABLED,
                DefaultAction.DENY, List.of(Ipv4Prefix.parse("203.0.113.0/24"), Ipv4Prefix.parse("198.51.100.7/32")),
                true));
        assertThat(fabrikam.authorizationRules().get(0).trustedService()).isTrue();
        // a static address is kept; "a" gets the next free one, in the VNet's region; "b" asked manually: Pending
        assertThat(fabrikam.privateEndpoints()).containsExactly(
                new PrivateEndpoint("a", "northeurope", "hub", "pe", (Inet4Address) InetAddress.getByName("10.1.2.5"),
                        ConnectionStatus.APPROVED, "Auto-Approved", false),
                new PrivateEndpoint("b", "northeurope", "hub", "pe", (Inet4Address) InetAddress.getByName("10.1.2.4"),
                        ConnectionStatus.PENDING, "", true));
        assertThat(config.virtualNetworks().get(0).connectedNetworks())
                .containsExactly(Ipv4Prefix.parse("192.168.0.0/16"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `"publicNetworkAccess": "Off"` | namespaces[0].publicNetworkAccess: "Off" (expected: Enabled, Disabled or \
            SecuredByPerimeter)
            `"networkRuleSet": {"defaultAction": "Block"}` | namespaces[0].networkRuleSet.defaultAction: "Block" \
            (expected: Allow or Deny)
            `"networkRuleSet": {"ipRules": [{"ipMask": "10.0.0.1/8"}]}` | \
            namespaces[0].networkRuleSet.ipRules[0].ipMask: 10.0.0.1/8 (expected: a network address, e.g. 10.0.0.0/8)
            `"networkRuleSet": {"ipRules": [{"ipMask": "10.0.0.0/8", "action": "Deny"}]}` | \
            namespaces[0].networkRuleSet.ipRules[0].action: "Deny" (expected: Allow, the only action of IP rules)
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet9", "subnet": "default"}]` | \
            namespaces[0].privateEndpoints[0].virtualNetwork: "vnet9" (expected: one of the virtualNetworks [vnet1])
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1", "subnet": "apps"}]` | \
            namespaces[0].privateEndpoints[0].subnet: "apps" (expected: a subnet of vnet1: [default])
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1", "subnet": "default", "privateIpAddress": \
            "127.10.0.2"}]` | namespaces.contoso.privateEndpoints.pe.privateIpAddress: 127.10.0.2 (expected: an \
            assignable address of subnet default 127.10.0.0/24, from its fifth address to the one before its last)
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1", "subnet": "default", "region": "eastus"}]` \
            | namespaces.contoso.privateEndpoints.pe.region: "eastus" (expected: "westeurope", the region of virtual \
            network vnet1)
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1", "subnet": "default", "status": \
            "Approving"}]` | namespaces[0].privateEndpoints[0].status: "Approving" (expected: Pending, Approved, \
            Rejected or Disconnected)
            `"privateEndpoints": [{"name": "pe", "virtualNetwork": "vnet1", "subnet": "default"}, {"name": "PE", \
            "virtualNetwork": "vnet1", "subnet": "default"}]` | namespaces[0].privateEndpoints[1].name: "PE" \
            (expected: a name not already used by privateEndpoints[0], ignoring case)
            `"region": " "` | namespaces[0].region: " " (expected: an Azure region such as westeurope)
            """)
    void invalidNetworkSettingsNameTheirPath(String namespaceFields, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"namespaces\": [{\"name\": \"contoso\", "
                + namespaceFields + "}]}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void invalidVirtualNetworksNameTheirPath() {
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"virtualNetworks": [{"name": "v", "addressPrefixes": ["10.0.0.0/16"],
                                      "subnets": [{"name": "s", "addressPrefix": "10.1.0.0/24"}]}]}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("virtualNetworks[0].subnets.s.addressPrefix: 10.1.0.0/24 (expected: inside the address "
                        + "space [10.0.0.0/16])");
        assertThatThrownBy(() -> ConfigLoader.load(write("""
                {"virtualNetworks": [{"name": "v", "addressPrefixes": ["10.0.0/16"]}]}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("virtualNetworks[0].addressPrefixes[0]: \"10.0.0/16\" (expected: an IPv4 address or CIDR "
                        + "prefix such as 10.0.0.0/16)");
    }

    @Test
    void limitsComeFromDefaultsFileEnvironmentAndFlags() throws Exception {
        assertThat(ConfigLoader.defaults().limits()).isEqualTo(new LimitSettings(10_000, 1_000, 5_000))
                .isEqualTo(LimitSettings.DEFAULTS);
        Path file = write("""
                {"limits": {"maxConnectionsPerSource": 3, "maxPendingRendezvousPerEntity": 2}}
                """);
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).limits()).isEqualTo(new LimitSettings(3, 2, 5_000));

        Map<String, String> flags = Map.of("max-connections-per-source", "7",
                "--max-pending-rendezvous-per-entity", "1", "max-relayed-connections-per-namespace", "1000000");
        Map<String, String> environment = Map.of("RELAYSIM_MAX_CONNECTIONS_PER_SOURCE", "8",
                "RELAYSIM_MAX_PENDING_RENDEZVOUS_PER_ENTITY", "9", "RELAYSIM_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE",
                        "10");
        assertThat(ConfigLoader.load(file, Map.of(), environment).limits()).isEqualTo(new LimitSettings(8, 9, 10));
        assertThat(ConfigLoader.load(file, flags, environment).limits()).isEqualTo(new LimitSettings(7, 1, 1_000_000));
    }

    @Test
    void invalidLimitsInTheFileOrEnvironmentNameTheirPath() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"limits\": {\"maxConnectionsPerSource\": 0}}"), Map.of(),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("limits.maxConnectionsPerSource: 0 (expected: 1-1000000)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"limits\": {\"maxPendingRendezvousPerEntity\": 2.5}}"),
                Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("limits.maxPendingRendezvousPerEntity: 2.5 (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"limits\": {\"maxConnections\": 5}}"), Map.of(),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("limits.maxConnections: unknown field (expected: one of maxConnectionsPerSource, "
                        + "maxPendingRendezvousPerEntity, maxRelayedConnectionsPerNamespace)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"limits\": 5000}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("limits: 5000 (expected: an object with the fields maxConnectionsPerSource");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(),
                Map.of("RELAYSIM_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("limits.maxRelayedConnectionsPerNamespace (from environment variable "
                        + "RELAYSIM_MAX_RELAYED_CONNECTIONS_PER_NAMESPACE): 0 (expected: 1-1000000)");
    }

    private Path write(String json) throws Exception {
        Path file = Files.createTempFile(directory, "config", ".json");
        Files.writeString(file, json);
        return file;
    }
}
