package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.common.auth.AccessRight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
                new PortRange(9400, 9599)));
        assertThat(config.protocol()).isEqualTo(new ProtocolSettings(Duration.ofSeconds(30), Duration.ofSeconds(10),
                16 * 1024 * 1024, 25, Duration.ofSeconds(5)));
        assertThat(config.dataDirectory()).isEqualTo(Path.of(System.getProperty("user.home"), ".relaysim").toAbsolutePath());
        assertThat(config.defaultNamespace()).isEqualTo("sandbox");
        assertThat(config.namespaces()).hasSize(1);

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
                Map.entry("data-dir", directory.resolve("data").toString()),
                Map.entry("default-namespace", "sandbox"),
                Map.entry("rendezvous-timeout", "PT1M"),
                Map.entry("handshake-timeout", "500ms"),
                Map.entry("max-message-size", "64KiB"),
                Map.entry("shutdown-timeout", "2m"));
        Map<String, String> environment = new HashMap<>();
        flags.forEach((flag, value) -> environment.put("RELAYSIM_" + flag.toUpperCase().replace('-', '_'), value));

        for (GatewayConfig config : new GatewayConfig[] {
                ConfigLoader.load(null, flags, Map.of()), ConfigLoader.load(null, Map.of(), environment)}) {
            assertThat(config.listen()).isEqualTo(new ListenSettings("0.0.0.0", false, 10443, true, 0,
                    new PortRange(20000, 20009)));
            assertThat(config.protocol()).isEqualTo(new ProtocolSettings(Duration.ofMinutes(1), Duration.ofMillis(500),
                    64 * 1024, 25, Duration.ofMinutes(2)));
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
                .hasMessageStartingWith("--tls-prot: unknown flag (expected: one of --bind-address, --tls, --tls-port,");
    }

    @Test
    void fileMergesIntoTheDefaults() throws Exception {
        Path file = write("""
                {"protocol": {"rendezvousTimeout": "5s"}, "listen": {"plain": {"enabled": false}}, "dataDirectory": null}
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
        assertThat(contoso.hybridConnections()).containsExactly(new HybridConnectionConfig("orders/eu", true, List.of()));
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

        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).dataDirectory()).isEqualTo(directory.resolve("state/relay"));
    }

    @Test
    void tildeInTheDataDirectoryIsTheHomeDirectory() throws Exception {
        Path file = write("{\"dataDirectory\": \"~/relay\"}");
        Map<String, String> environment = Map.of("HOME", directory.toString());

        assertThat(ConfigLoader.load(file, Map.of(), environment).dataDirectory()).isEqualTo(directory.resolve("relay"));
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
                {"namespaces": [{"name": "contoso", "hybridConnections": [{"name": "a", "requiresAuthorization": false}]}]}
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("namespaces[0].hybridConnections[0].requiresAuthorization: unknown field "
                            + "(expected: one of name, requiresClientAuthorization, authorizationRules)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"namespace\": []}"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("namespace: unknown field "
                            + "(expected: one of listen, protocol, dataDirectory, defaultNamespace, namespaces)");
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
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": {\"tls\": {\"port\": \"9443\"}}}"), Map.of(), Map.of()))
                .hasMessage("listen.tls.port: \"9443\" (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls-port", "abc"), Map.of()))
                .hasMessage("listen.tls.port (from flag --tls-port): \"abc\" (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("RELAYSIM_TLS", "yes")))
                .hasMessage("listen.tls.enabled (from environment variable RELAYSIM_TLS): \"yes\" (expected: true or false)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls-port", "70000"), Map.of()))
                .hasMessage("listen.tls.port (from flag --tls-port): 70000 (expected: 0-65535, 0 for an ephemeral port)");
        assertThatThrownBy(() -> ConfigLoader.load(write("{\"listen\": 5}"), Map.of(), Map.of()))
                .hasMessage("listen: 5 (expected: an object with the fields bindAddress, tls, plain, rendezvousPorts)");
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
            bind-address       | not an address | listen.bindAddress (from flag --bind-address): "not an address" (expected: an IP literal such as 127.0.0.1 or ::, or a host name)
            tls-port           | -1             | listen.tls.port (from flag --tls-port): -1 (expected: 0-65535, 0 for an ephemeral port)
            plain-port         | 65536          | listen.plain.port (from flag --plain-port): 65536 (expected: 0-65535, 0 for an ephemeral port)
            plain-port         | 9443           | listen.plain.port (from flag --plain-port): 9443 (expected: a port other than tls.port)
            rendezvous-ports   | 9000-9200      | listen.rendezvousPorts (from flag --rendezvous-ports): "9000-9200" (expected: at most 200 ports, this range has 201)
            rendezvous-ports   | 0-10           | listen.rendezvousPorts (from flag --rendezvous-ports): "0-10" (expected: ports in 1-65535)
            rendezvous-ports   | 9599-9400      | listen.rendezvousPorts (from flag --rendezvous-ports): "9599-9400" (expected: first <= last)
            rendezvous-ports   | 65536          | listen.rendezvousPorts (from flag --rendezvous-ports): "65536" (expected: ports in 1-65535)
            rendezvous-ports   | ports          | listen.rendezvousPorts (from flag --rendezvous-ports): "ports" (expected: a port range such as 9400-9599, or one port)
            default-namespace  | contoso        | defaultNamespace (from flag --default-namespace): "contoso" (expected: one of sandbox)
            rendezvous-timeout | 0s             | protocol.rendezvousTimeout (from flag --rendezvous-timeout): 0s (expected: > 0)
            handshake-timeout  | PT-1S          | protocol.handshakeTimeout (from flag --handshake-timeout): PT-1S (expected: > 0)
            shutdown-timeout   | soon           | protocol.shutdownTimeout (from flag --shutdown-timeout): "soon" (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S)
            max-message-size   | 1023           | protocol.maxMessageSize (from flag --max-message-size): 1023 (expected: 1024-268435456 bytes, 1KiB-256MiB)
            max-message-size   | 257MiB         | protocol.maxMessageSize (from flag --max-message-size): 269484032 (expected: 1024-268435456 bytes, 1KiB-256MiB)
            max-message-size   | 4096MiB        | protocol.maxMessageSize (from flag --max-message-size): "4096MiB" (expected: a size in bytes such as 16777216, 64KiB or 16MiB, 1024-268435456 bytes)
            max-message-size   | 1GB            | protocol.maxMessageSize (from flag --max-message-size): "1GB" (expected: a size in bytes such as 16777216, 64KiB or 16MiB, 1024-268435456 bytes)
            """)
    void invalidOverridesAreRefused(String flag, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(flag, value), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
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
                .hasMessage("protocol.rendezvousTimeout: 30 (expected: a duration such as 30s, 500ms, 5m, 1h or PT30S)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"name": "abcde"}                                    | namespaces[0].name: "abcde" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "1sandbox"}                                 | namespaces[0].name: "1sandbox" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "sandbox-"}                                 | namespaces[0].name: "sandbox-" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "sand_box"}                                 | namespaces[0].name: "sand_box" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "a12345678901234567890123456789012345678901234567890"} | namespaces[0].name: "a12345678901234567890123456789012345678901234567890" (expected: 6-50 characters of A-Z, a-z, 0-9, '-', starting with a letter and not ending with '-')
            {"name": "contoso", "hostName": "bad host"}          | namespaces[0].hostName: "bad host" (expected: a DNS host name such as sandbox.servicebus.windows.net)
            {"name": "contoso", "hybridConnections": [{"name": "/a"}]}      | namespaces[0].hybridConnections[0].name: "/a" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a/"}]}      | namespaces[0].hybridConnections[0].name: "a/" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a//b"}]}    | namespaces[0].hybridConnections[0].name: "a//b" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": ""}]}        | namespaces[0].hybridConnections[0].name: "" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "a b"}]}     | namespaces[0].hybridConnections[0].name: "a b" (expected: 1-260 characters of A-Z, a-z, 0-9, '.', '_', '-', '/', without a leading, trailing or doubled '/')
            {"name": "contoso", "hybridConnections": [{"name": "echo"}, {"name": "ECHO"}]} | namespaces[0].hybridConnections[1].name: "ECHO" (expected: a name not already used by hybridConnections[0], ignoring case)
            {"name": "contoso", "hybridConnections": [{"name": "echo", "requiresClientAuthorization": "no"}]} | namespaces[0].hybridConnections[0].requiresClientAuthorization: "no" (expected: true or false)
            {"name": "contoso", "authorizationRules": [{"name": "", "primaryKey": "k", "rights": ["Send"]}]}    | namespaces[0].authorizationRules[0].name: "" (expected: 1-256 characters of A-Z, a-z, 0-9, '.', '_', '-')
            {"name": "contoso", "authorizationRules": [{"name": "a b", "primaryKey": "k", "rights": ["Send"]}]} | namespaces[0].authorizationRules[0].name: "a b" (expected: 1-256 characters of A-Z, a-z, 0-9, '.', '_', '-')
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "", "rights": ["Send"]}]}    | namespaces[0].authorizationRules[0].primaryKey: 0 characters (expected: 1-256)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "secondaryKey": "", "rights": ["Send"]}]} | namespaces[0].authorizationRules[0].secondaryKey: 0 characters (expected: 1-256)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": []}]}         | namespaces[0].authorizationRules[0].rights: [] (expected: one or more of Listen, Send, Manage)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Send", "Read"]}]} | namespaces[0].authorizationRules[0].rights[1]: "Read" (expected: Listen, Send or Manage)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Manage"]}]}  | namespaces[0].authorizationRules[0].rights: [Manage] (expected: Manage only together with Listen and Send)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Manage", "Listen"]}]} | namespaces[0].authorizationRules[0].rights: [Listen, Manage] (expected: Manage only together with Listen and Send)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": "Send"}]}      | namespaces[0].authorizationRules[0].rights: "Send" (expected: an array)
            {"name": "contoso", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Send"]}, {"name": "R", "primaryKey": "k", "rights": ["Send"]}]} | namespaces[0].authorizationRules[1].name: "R" (expected: a name not already used by authorizationRules[0], ignoring case)
            {"name": "contoso", "hybridConnections": [{"name": "echo", "authorizationRules": [{"name": "r", "primaryKey": "k", "rights": ["Listen"]}, {"name": "r", "primaryKey": "k", "rights": ["Send"]}]}]} | namespaces[0].hybridConnections[0].authorizationRules[1].name: "r" (expected: a name not already used by authorizationRules[0], ignoring case)
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
                .hasMessage("namespaces[1].name: \"Contoso\" (expected: a name not already used by namespaces[0], ignoring case)");
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

    private Path write(String json) throws Exception {
        Path file = Files.createTempFile(directory, "config", ".json");
        Files.writeString(file, json);
        return file;
    }
}
