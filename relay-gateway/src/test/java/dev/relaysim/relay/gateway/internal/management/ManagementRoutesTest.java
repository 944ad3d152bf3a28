package dev.relaysim.relay.gateway.internal.management;

import dev.relaysim.relay.gateway.internal.management.ManagementRoutes.Match;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManagementRoutesTest {

    private static final String NAMESPACE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
            + "/providers/Microsoft.Relay/namespaces/{namespaceName}";

    private final RouteHandler health = request -> ManagementResponse.text(HttpResponseStatus.OK, "text/plain", "h");
    private final RouteHandler getNamespace = request -> ManagementResponse.json(HttpResponseStatus.OK, Map.of());
    private final RouteHandler putNamespace = request -> ManagementResponse.json(HttpResponseStatus.CREATED, Map.of());
    private final ManagementRoutes routes = ManagementRoutes.builder()
            .route(HttpMethod.GET, "/health", health)
            .route(HttpMethod.GET, NAMESPACE, getNamespace)
            .route(HttpMethod.PUT, NAMESPACE, putNamespace)
            .build();

    @Test
    void armPathsMatchWithTheirParametersAndLiteralsIgnoreCase() {
        Match match = routes.match(HttpMethod.PUT,
                "/SUBSCRIPTIONS/0000/resourcegroups/rg-1/providers/microsoft.relay/namespaces/sandbox");

        assertThat(match).isEqualTo(new Match.Found(putNamespace,
                Map.of("subscriptionId", "0000", "resourceGroupName", "rg-1", "namespaceName", "sandbox")));
        assertThat(routes.match(HttpMethod.GET, "/health")).isEqualTo(new Match.Found(health, Map.of()));
    }

    @Test
    void otherMethodsAre405WithWhatIsAllowedAndOtherPaths404() {
        assertThat(routes.match(HttpMethod.DELETE, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Relay"
                + "/namespaces/ns")).isEqualTo(new Match.MethodNotAllowed(Set.of(HttpMethod.GET, HttpMethod.PUT)));
        assertThat(routes.match(HttpMethod.POST, "/health"))
                .isEqualTo(new Match.MethodNotAllowed(Set.of(HttpMethod.GET)));
        for (String path : new String[] {"/health/", "/", "", "/Health/x", "//health",
                "/subscriptions//resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns"}) {
            assertThat(routes.match(HttpMethod.GET, path)).as(path).isEqualTo(new Match.NotFound());
        }
    }

    @Test
    void badTemplatesAreRefused() {
        assertThatThrownBy(() -> PathPattern.parse("health"))
                .hasMessage("template: \"health\" (expected: a path starting with /)");
        assertThatThrownBy(() -> PathPattern.parse("/a//b"))
                .hasMessage("template: \"/a//b\" (expected: no empty segment)");
        assertThatThrownBy(() -> PathPattern.parse("/{id}/x/{id}"))
                .hasMessage("template: \"/{id}/x/{id}\" (expected: unique, non-empty parameter names)");
        assertThat(PathPattern.parse("/").match("/")).hasValue(Map.of());
    }

    @Test
    void errorsAreArmShapedJson() {
        ManagementResponse error = ManagementResponse.error(HttpResponseStatus.NOT_FOUND, "NotFound", "No \"x\".")
                .withHeader("x-extra", "1");

        assertThat(new String(error.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":{\"code\":\"NotFound\",\"message\":\"No \\\"x\\\".\"}}");
        assertThat(error.contentType()).isEqualTo(ManagementResponse.JSON);
        assertThat(error.headers()).containsEntry("x-extra", "1");
    }
}
