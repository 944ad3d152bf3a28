package dev.relaysim.relay.gateway.internal.registry;

import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceRegistryTest {

    private final NamespaceRegistry registry = new NamespaceRegistry(TestGateway.builder()
            .config(Path.of("unused"), new PortRange(9400, 9409)));

    @Test
    void resolvesHostsToNamespaces() {
        assertThat(registry.resolve("localhost", null)).contains(registry.defaultNamespace());
        assertThat(registry.resolve("127.0.0.1", null)).contains(registry.defaultNamespace());
        assertThat(registry.resolve("::1", null)).contains(registry.defaultNamespace());
        assertThat(registry.resolve(null, null)).contains(registry.defaultNamespace());
        assertThat(registry.resolve("CONTOSO.servicebus.windows.net", null).orElseThrow().name()).isEqualTo("contoso");
        assertThat(registry.resolve("contoso.privatelink.servicebus.windows.net", null).orElseThrow().name())
                .isEqualTo("contoso");
        assertThat(registry.resolve("localhost", "contoso.servicebus.windows.net").orElseThrow().name())
                .isEqualTo("contoso");
        assertThat(registry.resolve("localhost", "127.0.0.1")).contains(registry.defaultNamespace());
        assertThat(registry.resolve("unknown.example.com", null)).isEmpty();
    }

    @Test
    void extractsTheHostPartOfHostHeaders() {
        assertThat(NamespaceRegistry.hostPart("localhost:9443")).isEqualTo("localhost");
        assertThat(NamespaceRegistry.hostPart("[::1]:9443")).isEqualTo("::1");
        assertThat(NamespaceRegistry.hostPart("sandbox.servicebus.windows.net"))
                .isEqualTo("sandbox.servicebus.windows.net");
        assertThat(NamespaceRegistry.hostPart(null)).isEmpty();
    }

    @Test
    void matchesTheLongestEntityPrefixOnSegmentBoundaries() {
        Namespace sandbox = registry.defaultNamespace();

        EntityMatch echo = sandbox.match("echo/suffix/x").orElseThrow();
        assertThat(echo.entity().name()).isEqualTo("echo");
        assertThat(echo.suffix()).isEqualTo("suffix/x");
        assertThat(sandbox.match("ECHO").orElseThrow().suffix()).isEmpty();
        assertThat(sandbox.match("orders/eu/1").orElseThrow().entity().name()).isEqualTo("orders/eu");
        assertThat(sandbox.match("echo2")).isEmpty();
        assertThat(sandbox.match("orders")).isEmpty();
        assertThat(echo.entity().resourceUri()).isEqualTo("sb://sandbox.servicebus.windows.net/echo");
    }
}
