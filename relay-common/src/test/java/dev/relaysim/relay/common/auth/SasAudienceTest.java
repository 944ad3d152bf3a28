package dev.relaysim.relay.common.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SasAudienceTest {

    private static final Set<String> HOSTS = Set.of("contoso.servicebus.windows.net", "localhost", "127.0.0.1", "::1");

    @ParameterizedTest(name = "{0} covers {1}")
    @CsvSource(delimiter = '|', value = {
            // .NET: http, lower-case host, trailing slash
            "http://contoso.servicebus.windows.net/hc1/      | hc1",
            "http://contoso.servicebus.windows.net/hc1/      | hc1/suffix/x",
            "http://localhost/hc1/                           | hc1",
            // Java listener: sb:// with the port, no slash; doubled slash when the address had one
            "sb://localhost:9443/hc1                         | hc1",
            "sb://contoso.servicebus.windows.net/hc1         | hc1",
            "sb://localhost:9443/hc1//                       | hc1",
            // Java sender: namespace scope
            "sb://contoso.servicebus.windows.net             | hc1",
            "sb://localhost:9443                             | hc1/suffix",
            "sb://localhost:9443/                            | any/entity",
            // Node: http, port kept, no slash, $hc removed (or left in by hand-made tokens)
            "http://localhost:9443/hc1                       | hc1",
            "http://contoso.servicebus.windows.net:443/hc1   | hc1",
            "http://127.0.0.1:9080/hc1                       | hc1",
            "http://localhost:9443/$hc/hc1                   | hc1",
            // a sender's token that includes its path suffix
            "http://127.0.0.1:18080/hc1/suffix/x             | hc1/suffix/x",
            "http://127.0.0.1:18080/hc1/suffix/x             | hc1/suffix/x/deeper",
            // host case, user info, query and fragment do not matter
            "HTTP://Contoso.ServiceBus.Windows.Net/hc1       | hc1",
            "http://user:pw@localhost:9443/hc1?x=1#f         | hc1",
            "wss://localhost/hc1/                            | hc1",
            // IPv6 literal, entity names with '/' and escapes
            "http://[::1]:9443/hc1                           | hc1",
            "http://localhost/a/b                            | a/b/c",
            "http://localhost/my%20hc/                       | my hc",
            "localhost/hc1                                   | hc1",
            "http://localhost/hc1                            | /hc1/",
    })
    void covers(String resource, String requestPath) {
        assertThat(SasAudience.covers(resource, HOSTS, requestPath)).isTrue();
    }

    @ParameterizedTest(name = "{0} does not cover {1}")
    @CsvSource(delimiter = '|', value = {
            // a sibling entity that shares a prefix
            "http://contoso.servicebus.windows.net/hc1/      | hc10",
            "sb://localhost:9443/hc1                         | hc10/x",
            "http://localhost:9443/hc1                       | hc1x",
            // a narrower token does not cover the entity itself or another suffix
            "http://127.0.0.1:18080/hc1/suffix/x             | hc1",
            "http://127.0.0.1:18080/hc1/suffix/x             | hc1/suffix/y",
            "http://127.0.0.1:18080/hc1/suffix/x             | hc1/suffix/xy",
            // wrong host
            "http://fabrikam.servicebus.windows.net/hc1/     | hc1",
            "sb://contoso.servicebus.windows.net.evil/hc1    | hc1",
            "http://evil/localhost/hc1                       | hc1",
            "http://localhost.evil:9443/hc1                  | hc1",
            "http://[::2]/hc1                                | hc1",
            "http:///hc1                                     | hc1",
            "''                                              | hc1",
            // paths compare exactly
            "http://localhost/HC1                            | hc1",
            "http://localhost/other                          | hc1",
            "http://localhost/a%zz                           | a%zz",
            "http://localhost/$hc2/hc1                       | hc1",
    })
    void doesNotCover(String resource, String requestPath) {
        assertThat(SasAudience.covers(resource, HOSTS, requestPath)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://[::1]/hc1 | [::1]",
            "http://[::1]/hc1 | ::1",
            "http://ns/hc1    | NS",
    })
    void acceptedHostsMayBeSpelledDifferently(String resource, String host) {
        assertThat(SasAudience.covers(resource, List.of("other", host), "hc1")).isTrue();
        assertThat(SasAudience.covers(resource, List.of(), "hc1")).isFalse();
    }
}
