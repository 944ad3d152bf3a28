package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes.Match;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files through the route table, and the page's rule of no inline script. */
class ConsoleAssetsTest {

    private final ManagementRoutes routes = new ConsoleAssets().addRoutes(ManagementRoutes.builder()).build();

    @Test
    void theRootIsTheIndexAndFilesHaveTheirTypes() {
        ManagementResponse index = get("/");
        assertThat(index.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(index.headers()).containsEntry("cache-control", "no-cache");
        assertThat(get("/console/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/console/console.css").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(get("/console/favicon.svg").contentType()).isEqualTo("image/svg+xml");
    }

    @Test
    void namesOutsideTheConsoleOrUnknownAre404() {
        for (String path : new String[] {"/console/..", "/console/missing.js", "/console/App.js",
                "/console/logback.xml", "/console/app.js.map", "/console/.hidden.js"}) {
            ManagementResponse response = get(path);
            assertThat(response.status()).as(path).isEqualTo(HttpResponseStatus.NOT_FOUND);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(path).contains("\"NotFound\"");
        }
        assertThat(ConsoleAssets.isAsset("/console/app.js")).isTrue();
        assertThat(ConsoleAssets.isAsset("/console/../relaysim/stats")).isFalse();
        assertThat(ConsoleAssets.isAsset("/relaysim/stats")).isFalse();
    }

    @Test
    void theIndexLoadsOnlySameOriginFilesThatExistAndHasNoInlineScriptOrStyle() {
        String html = new String(get("/").body(), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("<style").doesNotContain(" style=").doesNotContainPattern("\\son[a-z]+=");
        Matcher scripts = Pattern.compile("<script([^>]*)>([^<]*)</script>").matcher(html);
        int count = 0;
        while (scripts.find()) {
            assertThat(scripts.group(2)).as("inline script").isBlank();
            count++;
        }
        assertThat(count).isPositive();
        Matcher references = Pattern.compile("(?:src|href)=\"(/console/[^\"]+)\"").matcher(html);
        while (references.find()) {
            assertThat(get(references.group(1)).status()).as(references.group(1)).isEqualTo(HttpResponseStatus.OK);
        }
    }

    private ManagementResponse get(String path) {
        Match match = routes.match(HttpMethod.GET, path);
        if (!(match instanceof Match.Found found)) {
            return ManagementResponse.error(HttpResponseStatus.NOT_FOUND, "NotFound", path);
        }
        return found.handler().handle(new ManagementRequest(HttpMethod.GET, path, found.pathParameters(), Map.of(),
                new DefaultHttpHeaders(), ""));
    }
}
