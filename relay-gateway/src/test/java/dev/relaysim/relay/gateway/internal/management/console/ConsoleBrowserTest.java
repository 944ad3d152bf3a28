package dev.relaysim.relay.gateway.internal.management.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.RelayClientConfig;
import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayWebSocketClient;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.internal.admission.NetworkGuard;
import dev.relaysim.relay.gateway.testing.Browser;
import dev.relaysim.relay.gateway.testing.GatewayExtension;
import dev.relaysim.relay.gateway.testing.ManagementApi;
import dev.relaysim.relay.gateway.testing.TestGateway;
import dev.relaysim.relay.gateway.testing.TestListener;
import dev.relaysim.relay.gateway.testing.WsPeer;
import com.sun.net.httpserver.HttpServer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.relaysim.relay.gateway.testing.TestGateway.KEY;
import static dev.relaysim.relay.gateway.testing.TestGateway.KEY_NAME;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in headless Chromium (see {@link Browser}) against a port-0 gateway with namespaces
 * {@code sandbox} (public) and {@code contoso} (public access disabled, the Private Link scenario of
 * {@code PrivateLinkManagementIntegrationTest}): what a user clicks changes the gateway, and open connections feel
 * it. Screenshots of each page go to {@code target/console-screenshots/}.
 */
@Timeout(120)
class ConsoleBrowserTest {

    private static final String CONTOSO_HOST = "contoso.servicebus.windows.net";
    private static final String ENTITY = "echo";
    private static final String CONTOSO = ManagementApi.RELAY_NAMESPACES + "contoso";
    private static final String VNET = ManagementApi.VIRTUAL_NETWORKS + "vnet1";
    private static final String VM = "127.10.0.200";
    private static final String ENDPOINT = "127.10.0.4";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final GatewayExtension gatewayExtension = new GatewayExtension(TestGateway.Builder::privateLinkScenario);
    @RegisterExtension
    final ConsoleExtension console = new ConsoleExtension(gatewayExtension);

    private TestGateway gateway;
    private Browser browser;
    private SslContext sslContext;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final List<RelayWebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        gateway = gatewayExtension.get();
        browser = console.browser();
        sslContext = SslContexts.forClient(gateway.server().certificateAuthority().caCertificatePem());
    }

    @AfterEach
    void stop() {
        clients.forEach(RelayWebSocketClient::close);
    }

    @Test
    void approvingAPendingEndpointLetsTheVnetInAndRejectingItClosesTheListenerWith1008() throws Exception {
        createPendingEndpoint();
        console.signIn();
        console.open("networking?namespace=contoso", "networking");
        assertThat(connectionRow().findElement(By.cssSelector("td.state")).getText()).isEqualTo("Pending");
        console.screenshot("networking-pending");

        decideInConsole("approve", "approved in the console");
        browser.awaitText(By.cssSelector("#private-endpoint-connections tr[data-name='manual-pe'] td.state"),
                "Approved");
        assertThat(connectionRow().findElement(By.cssSelector("td.description")).getText())
                .isEqualTo("approved in the console");

        RelayWebSocketClient vm = client(VM);
        RelayConnection control = vm.connect(uri("listen"), authorization(), null, TIMEOUT).get();
        var senderFuture = vm.connect(uri("connect"), authorization(), null, TIMEOUT);
        AcceptCommand accept = (AcceptCommand) ControlCommandCodec.decode(control.receive(TIMEOUT).asText());
        RelayConnection listenerSide = vm.connect(URI.create(accept.address()), new DefaultHttpHeaders(), null,
                TIMEOUT).get();
        senderFuture.get().sendText("through the approved endpoint").get();
        assertThat(listenerSide.receive(TIMEOUT).asText()).isEqualTo("through the approved endpoint");

        decideInConsole("reject", "rejected in the console");

        RelayCloseStatus rejected = new RelayCloseStatus(1008, NetworkGuard.ENDPOINT_REJECTED);
        assertThat(control.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(rejected);
        browser.awaitText(By.cssSelector("#private-endpoint-connections tr[data-name='manual-pe'] td.state"),
                "Rejected");
        console.screenshot("networking-rejected");
    }

    @Test
    void disablingPublicAccessInTheConsoleClosesAPublicListener() throws Exception {
        try (TestListener listener = TestListener.connect(gateway.httpClient(),
                gateway.listenUri(false, ENTITY), TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            console.signIn();
            console.open("networking?namespace=sandbox", "networking");
            assertThat(browser.visible(By.id("public-access-Enabled")).isSelected()).isTrue();

            browser.click(By.id("public-access-Disabled"));
            browser.click(By.id("public-access-save"));

            WsPeer.Close closed = listener.control().closed().get(10, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).isEqualTo(NetworkGuard.PUBLIC_ACCESS_DISABLED);
            browser.awaitPage("networking");
            assertThat(browser.visible(By.id("public-access-Disabled")).isSelected()).isTrue();
            assertThat(ManagementApi.json(send("GET", ManagementApi.RELAY_NAMESPACES + "sandbox"), 200)
                    .at("/properties/publicNetworkAccess").asText()).isEqualTo("Disabled");
        }
    }

    @Test
    void valuesAreShownAsTextAndTheKeyStaysInTheSession() throws Exception {
        createPendingEndpoint();
        String markup = "<img src=x id=injected>";
        ManagementApi.json(send("PUT", CONTOSO + "/privateEndpointConnections/manual-pe",
                "{\"properties\": {\"privateLinkServiceConnectionState\": {\"status\": \"Approved\", "
                        + "\"description\": \"" + markup.replace("\"", "\\\"") + "\"}}}"), 200);
        console.signIn();
        console.open("networking?namespace=contoso", "networking");

        assertThat(connectionRow().findElement(By.cssSelector("td.description")).getText()).isEqualTo(markup);
        assertThat(browser.driver().findElements(By.id("injected"))).isEmpty();
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(ListenSettings.DEFAULT_ADMIN_KEY);
        assertThat(browser.driver().executeScript("return sessionStorage.getItem('relaysim.adminKey')"))
                .isEqualTo(ListenSettings.DEFAULT_ADMIN_KEY);
        assertThat(browser.driver().executeScript("return localStorage.length")).isEqualTo(0L);

        browser.driver().navigate().refresh();
        browser.awaitPage("networking");
        assertThat(browser.driver().findElement(By.id("login")).isDisplayed()).isFalse();
    }

    @Test
    void aPageOfAnotherOriginCannotUseTheApiEvenKnowingTheKey() throws Exception {
        int port = gateway.addresses().managementPort();
        HttpServer otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        otherSite.createContext("/", exchange -> {
            byte[] page = "<!DOCTYPE html><title>another site</title>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        otherSite.start();
        try {
            browser.open("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/");
        } finally {
            otherSite.stop(0);
        }
        String rule = "http://127.0.0.1:" + port + ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE
                + "/authorizationRules/" + KEY_NAME;
        Object outcome = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const body = JSON.stringify({keyType: 'PrimaryKey'});
                const withKey = fetch(arguments[0] + '/regenerateKeys?api-version=2021-11-01', {method: 'POST', body,
                    headers: {Authorization: 'Bearer ' + arguments[1], 'Content-Type': 'application/json'}})
                  .then(r => 'answered ' + r.status, e => 'refused: ' + e.name);
                const simple = fetch(arguments[0] + '/regenerateKeys?api-version=2021-11-01',
                    {method: 'POST', mode: 'no-cors', body})
                  .then(r => 'sent (' + r.type + ')', e => 'refused: ' + e.name);
                Promise.all([withKey, simple]).then(done);""", rule, ListenSettings.DEFAULT_ADMIN_KEY);

        // The preflight that the Authorization header needs is refused (no CORS). The simple request goes out, is
        // refused 403 by the CrossOriginGuard before the admin key is checked, and Cross-Origin-Resource-Policy
        // keeps even its opaque answer from the page.
        assertThat(outcome).asString().isEqualTo("[refused: TypeError, refused: TypeError]");
        assertThat(ManagementApi.json(send("POST", ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE
                + "/authorizationRules/" + KEY_NAME + "/listKeys"), 200).path("primaryKey").asText()).isEqualTo(KEY);
    }

    @Test
    void everyPageRendersAndIsPhotographed() throws Exception {
        try (TestListener listener = TestListener.connect(gateway.httpClient(),
                gateway.listenUri(false, ENTITY), TestGateway.token(ENTITY), new TestListener.Mode.Echo())) {
            WsPeer sender = WsPeer.connect(gateway.httpClient(), gateway.connectUri(false, ENTITY),
                    Map.of("ServiceBusAuthorization", TestGateway.token(ENTITY))).get(10, TimeUnit.SECONDS);
            sender.sendText("x".repeat(50_000)).get(10, TimeUnit.SECONDS);
            assertThat(sender.next(TIMEOUT).asText()).hasSize(50_000);
            createPendingEndpoint(ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE);

            console.signIn();
            console.open("overview", "overview");
            browser.awaitText(By.id("stat-listeners"), "1");
            browser.awaitText(By.id("stat-connections"), "1");
            assertThat(browser.visible(By.cssSelector("#namespaces tr[data-name='contoso']")).getText())
                    .contains("Disabled");
            assertThat(browser.driver().findElements(By.cssSelector("#charts svg.chart"))).hasSize(3);
            console.screenshot("overview");

            console.open("hybrid-connections?namespace=sandbox", "hybrid-connections");
            assertThat(browser.visible(By.cssSelector("#hybrid-connections tr[data-name='echo']")).getText())
                    .contains("1");
            browser.click(By.id("show-keys-" + KEY_NAME));
            WebElement connectionString = browser.visible(By.id(KEY_NAME + "-primary-connection-string"));
            assertThat(connectionString.getAttribute("value"))
                    .isEqualTo("Endpoint=sb://" + TestGateway.HOST + "/;SharedAccessKeyName=" + KEY_NAME
                            + ";SharedAccessKey=" + KEY);
            console.screenshot("hybrid-connections");

            console.open("virtual-networks", "virtual-networks");
            assertThat(browser.visible(By.cssSelector("#private-endpoints tr[data-name='manual-pe']")).getText())
                    .contains(ENDPOINT).contains("Pending");
            console.screenshot("virtual-networks");

            console.open("faults", "faults");
            browser.visible(By.id("dns-missing-contoso")).click();
            browser.click(By.id("dns-faults-save"));
            browser.awaitPage("faults");
            assertThat(ManagementApi.json(send("GET", "/relaysim/dns/faults"), 200).path("missingARecords")
                    .toString()).isEqualTo("[\"contoso\"]");
            assertThat(browser.visible(By.id("dns-missing-contoso")).isSelected()).isTrue();
            console.screenshot("faults");

            console.open("metrics", "metrics");
            browser.awaitText(By.id("metrics-table"), "relay_listeners_connected");
            console.screenshot("metrics");

            console.open("nodes", "nodes");
            assertThat(browser.visible(By.id("single-node")).getText()).contains("runs alone");
            assertThat(browser.visible(By.cssSelector("#stat-nodes .stat-value")).getText()).isEqualTo("1");

            console.open("networking?namespace=sandbox", "networking");
            browser.click(By.id("public-access-SelectedNetworks"));
            browser.visible(By.id("ip-rule-new")).sendKeys("127.12.0.0/16");
            browser.click(By.id("ip-rule-add"));
            browser.click(By.id("trusted-services"));
            browser.click(By.id("public-access-save"));
            browser.awaitText(By.id("ip-rules"), "127.12.0.0/16");
            JsonNode rules = ManagementApi.json(send("GET", ManagementApi.RELAY_NAMESPACES + TestGateway.NAMESPACE
                    + "/networkRuleSets/default"), 200).path("properties");
            assertThat(rules.path("publicNetworkAccess").asText()).isEqualTo("Enabled");
            assertThat(rules.path("defaultAction").asText()).isEqualTo("Deny");
            assertThat(rules.at("/ipRules/0/ipMask").asText()).isEqualTo("127.12.0.0/16");
            assertThat(rules.path("trustedServiceAccessEnabled").asBoolean()).isTrue();
            assertThat(connectionRow().getText()).contains("Pending");
            console.screenshot("networking");
        }
    }

    private void createPendingEndpoint() throws Exception {
        createPendingEndpoint(CONTOSO);
    }

    private void createPendingEndpoint(String namespaceId) throws Exception {
        ManagementApi.json(send("PUT", VNET, """
                {"properties": {"addressSpace": {"addressPrefixes": ["127.10.0.0/16"]},
                 "subnets": [{"name": "default", "properties": {"addressPrefix": "127.10.0.0/24"}}]}}"""), 201);
        ManagementApi.json(send("PUT", ManagementApi.PRIVATE_ENDPOINTS + "manual-pe", """
                {"location": "westeurope", "properties": {"subnet": {"id": "%s/subnets/default"},
                 "manualPrivateLinkServiceConnections": [{"name": "contoso-connection", "properties": {
                 "privateLinkServiceId": "%s", "groupIds": ["namespace"]}}]}}""".formatted(VNET, namespaceId)), 201);
    }

    /** Selects the connection, presses Approve or Reject and answers the description prompt. */
    private void decideInConsole(String action, String description) {
        connectionRow().findElement(By.cssSelector("input.select-connection")).click();
        browser.click(By.id("connection-" + action));
        browser.visible(By.id("prompt-description")).sendKeys(description);
        browser.click(By.id("prompt-ok"));
        browser.awaitPage("networking");
    }

    private WebElement connectionRow() {
        return browser.visible(By.cssSelector("#private-endpoint-connections tr[data-name='manual-pe']"));
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return ManagementApi.send(http, gateway, method, path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return ManagementApi.send(http, gateway, method, path, body);
    }

    private RelayWebSocketClient client(String source) throws Exception {
        RelayWebSocketClient client = new RelayWebSocketClient(sslContext, RelayClientConfig.defaults(), null,
                InetAddress.getByName(source));
        clients.add(client);
        return client;
    }

    private URI uri(String action) {
        return URI.create("wss://" + ENDPOINT + ':' + gateway.addresses().tlsPort() + "/$hc/" + ENTITY
                + "?sb-hc-action=" + action);
    }

    private static HttpHeaders authorization() {
        return new DefaultHttpHeaders().add(HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION,
                SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(CONTOSO_HOST, ENTITY), KEY_NAME,
                        KEY, Instant.now().plus(Duration.ofHours(1))));
    }
}
