package dev.relaysim.relay.gateway.internal.netns;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VnetMainTest {

    private static final VnetsFile VNETS = new VnetsFile(1, List.of(), "/run/relaysim/netns/ca-bundle.pem",
            "/run/relaysim/netns/relaysim-ca.pem", "/run/relaysim/netns/truststore.p12");

    @Test
    void programsTrustTheDevelopmentCaBesidesTheSystemsInEveryUsualWay() {
        assertThat(VnetMain.trustEnvironment(VNETS, null))
                .containsEntry("SSL_CERT_FILE", "/run/relaysim/netns/ca-bundle.pem")
                .containsEntry("REQUESTS_CA_BUNDLE", "/run/relaysim/netns/ca-bundle.pem")
                .containsEntry("CURL_CA_BUNDLE", "/run/relaysim/netns/ca-bundle.pem")
                .containsEntry("NODE_EXTRA_CA_CERTS", "/run/relaysim/netns/relaysim-ca.pem")
                .containsEntry("RELAYSIM_CA", "/run/relaysim/netns/relaysim-ca.pem")
                .containsEntry("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=/run/relaysim/netns/truststore.p12 "
                        + "-Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
    }

    @Test
    void javaToolOptionsAlreadySetAreKept() {
        assertThat(VnetMain.trustEnvironment(VNETS, "-Xmx1g").get("JAVA_TOOL_OPTIONS"))
                .startsWith("-Xmx1g -Djavax.net.ssl.trustStore=");
    }
}
