package dev.relaysim.relay.common.protocol;

import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayRequestTargetTest {

    @Test
    void parsesAListenerControlChannel() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/$hc/hc1?sb-hc-action=listen&sb-hc-id=abc");

        assertThat(target.hybridConnectionPath()).isTrue();
        assertThat(target.path()).isEqualTo("hc1");
        assertThat(target.action()).contains(HcAction.LISTEN);
        assertThat(target.id()).contains("abc");
        assertThat(target.token()).isEmpty();
        assertThat(target.appParameters()).isEmpty();
        assertThat(target.appQuery()).isEmpty();
        assertThat(target.relayParameters()).extracting(QueryParameter::rawName)
                .containsExactly("sb-hc-action", "sb-hc-id");
    }

    @Test
    void parsesASenderWithSuffixAppQueryAndToken() throws Exception {
        String token = "SharedAccessSignature sr=http%3A%2F%2Fns%2Fhc1&sig=a%2Bb%3D&se=1&skn=k";
        RelayRequestTarget target =
                RelayRequestTarget.parse("/$hc/hc1/suffix/x?app=1&sb-hc-action=connect&b&sb-hc-token="
                + PercentCodec.encode(token) + "&sb-hc-id=sub-1");

        assertThat(target.path()).isEqualTo("hc1/suffix/x");
        assertThat(target.action()).contains(HcAction.CONNECT);
        assertThat(target.id()).contains("sub-1");
        assertThat(target.token()).contains(token);
        assertThat(target.appQuery()).isEqualTo("app=1&b");
        assertThat(target.appParameters())
                .containsExactly(new QueryParameter("app", "1"), new QueryParameter("b", null));
    }

    @Test
    void missingActionIsEmpty() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/$hc/hc1?sb-hc-token=x");
        assertThat(target.action()).isEmpty();
        assertThat(target.token()).contains("x");
    }

    @Test
    void actionAndRelayNamesIgnoreCase() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/$hc/hc1?SB-HC-Action=ACCEPT&Sb-Hc-Id=1");
        assertThat(target.action()).contains(HcAction.ACCEPT);
        assertThat(target.id()).contains("1");
    }

    @Test
    void httpModeHasNoHcSegment() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/echo/sfx?q");
        assertThat(target.hybridConnectionPath()).isFalse();
        assertThat(target.path()).isEqualTo("echo/sfx");
        assertThat(target.appQuery()).isEqualTo("q");
        assertThat(target.action()).isEmpty();
    }

    @Test
    void pathIsDecodedPlusIsNotASpaceAndSlashesAreTrimmed() throws Exception {
        assertThat(RelayRequestTarget.parse("/$hc/my%20hc+1/").path()).isEqualTo("my hc+1");
        assertThat(RelayRequestTarget.parse("//$hc//a/b//").path()).isEqualTo("$hc//a/b");
        assertThat(RelayRequestTarget.parse("/$hc//a/b//").path()).isEqualTo("a/b");
        assertThat(RelayRequestTarget.parse("/%24hc/a").hybridConnectionPath()).isTrue();
        assertThat(RelayRequestTarget.parse("/$HC/a").hybridConnectionPath()).isFalse();
        assertThat(RelayRequestTarget.parse("/a%2Fb").path()).isEqualTo("a/b");
    }

    @Test
    void queryValuesAreRawAndDecodedByAccessors() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/hc1?a%20b=c+d%2B&name=%C3%b8&sb-hc-id=x%2By+z");
        QueryParameter first = target.appParameters().get(0);

        assertThat(first.rawName()).isEqualTo("a%20b");
        assertThat(first.rawValue()).isEqualTo("c+d%2B");
        assertThat(first.name()).isEqualTo("a b");
        assertThat(first.value()).isEqualTo("c+d+");
        assertThat(target.appQuery()).isEqualTo("a%20b=c+d%2B&name=%C3%b8");
        assertThat(target.appParameters().get(1).value()).isEqualTo("ø");
        assertThat(target.id()).contains("x+y+z");
    }

    /** The cases of the .NET SDK's HybridRequestTests.QueryString that reach the service unchanged. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "?a=1&a=2           | a=1&a=2",
            "?a=1&a=2&          | a=1&a=2&",
            "?&&&               | &&&",
            "?foo=bar           | foo=bar",
            "?foo=bar&          | foo=bar&",
            "?&foo=bar          | &foo=bar",
            "?sb-hc-id=1        | ''",
            "?sb-hc-id=1&custom=value | custom=value",
            "?custom=value&sb-hc-id=1 | custom=value",
            "?sb-hc-undefined   | sb-hc-undefined",
            "?sb-hc-undefined=true | ''",
            "?sb-hc-whatever=   | ''",
            "?sb-hc-whatever=&foo=bar | foo=bar",
            "?CustomValue       | CustomValue",
            "?custom-Value      | custom-Value",
            "?custom&value      | custom&value",
            "?&custom&value&    | &custom&value&",
            "?&&value&&         | &&value&&",
            "?+                 | +",
            "?%2B               | %2B",
            "?%20               | %20",
            "?%20Key%20=%20%20Value%20With%20Space | %20Key%20=%20%20Value%20With%20Space",
            "?%2f%3a%3d%26      | %2f%3a%3d%26",
            "?key='value'       | key='value'",
            "?key=%22value%22   | key=%22value%22",
            "?api-version=abc   | api-version=abc",
            "?name=%C3%b8       | name=%C3%b8",
            "''                 | ''",
            "?                  | ''",
    })
    void appQueryPassesTheSendersQueryThroughByteExact(String query, String expected) throws Exception {
        assertThat(RelayRequestTarget.parse("/hc1" + query).appQuery()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/$hc/echo?sb-hc-action=connect                 | echo         | /echo",
            "/$hc/echo/sfx/?a=1&sb-hc-id=2&b                | echo/sfx     | /echo/sfx?a=1&b",
            "/echo/my%20x+y?&&                              | echo/my%20x%2By | /echo/my x+y?&&",
            "/echo?                                         | echo         | /echo",
            "/echo?sb-hc-token=x                            | echo         | /echo",
            "/%C3%B8/a%2Fb                                  | %C3%B8/a/b   | /ø/a/b",
            "/echo/a%20b?q=a%20b+c&sb-hc-id=1&x=%2F          | echo/a%20b   | /echo/a b?q=a%20b+c&x=%2F",
            "/echo/100%25/what%3F/%23x/%0A?y                | echo/100%25/what%3F/%23x/%0A | "
                    + "/echo/100%25/what%3F/%23x/%0A?y",
    })
    void listenerRequestTargetDecodesThePathAndDropsRelayParameters(String target, String encodedPath,
            String listenerTarget)
            throws Exception {
        RelayRequestTarget parsed = RelayRequestTarget.parse(target);
        assertThat(parsed.encodedPath()).isEqualTo(encodedPath);
        assertThat(parsed.listenerRequestTarget()).isEqualTo(listenerTarget);
    }

    @Test
    void relayParameterNeedsAValue() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/$hc/hc1?sb-hc-action&x=1");
        assertThat(target.action()).isEmpty();
        assertThat(target.appQuery()).isEqualTo("sb-hc-action&x=1");
    }

    @Test
    void statusCodeAndDescriptionPreferThePrefixedSpelling() throws Exception {
        RelayRequestTarget prefixed = RelayRequestTarget.parse(
                "/$hc/hc1?statusCode=500&sb-hc-action=accept&sb-hc-id=1&sb-hc-statusCode=403"
                        + "&sb-hc-statusDescription=No+way%20out");
        assertThat(prefixed.statusCode(0)).map(QueryParameter::value).contains("403");
        assertThat(prefixed.statusDescription(0)).map(QueryParameter::value).contains("No+way out");
        assertThat(prefixed.statusDescription(0)).map(QueryParameter::rawValue).contains("No+way%20out");

        RelayRequestTarget hycoWs = RelayRequestTarget.parse(
                "/$hc/hc1?sb-hc-action=accept&sb-hc-id=1&statusCode=401&statusDescription=Unauthorized%20here");
        assertThat(hycoWs.statusCode(0)).map(QueryParameter::value).contains("401");
        assertThat(hycoWs.statusDescription(0)).map(QueryParameter::value).contains("Unauthorized here");
        assertThat(hycoWs.appQuery()).isEqualTo("statusCode=401&statusDescription=Unauthorized%20here");

        RelayRequestTarget none = RelayRequestTarget.parse("/$hc/hc1?sb-hc-action=accept&statusCode");
        assertThat(none.statusCode(0)).isEmpty();
        assertThat(none.statusDescription(0)).isEmpty();
    }

    @Test
    void theSendersOwnStatusCodeParameterIsNoReject() throws Exception {
        // The accept address repeats the sender's query (statusCode=500) before the listener's additions.
        RelayRequestTarget accepted =
                RelayRequestTarget.parse("/$hc/hc1?statusCode=500&sb-hc-action=accept&sb-hc-id=1");
        assertThat(accepted.statusCode(1)).isEmpty();

        RelayRequestTarget rejected = RelayRequestTarget.parse(
                "/$hc/hc1?statusCode=500&sb-hc-action=accept&sb-hc-id=1&statusCode=429&statusDescription=busy");
        assertThat(rejected.statusCode(1)).map(QueryParameter::value).contains("429");
        assertThat(rejected.statusDescription(1)).map(QueryParameter::value).contains("busy");
    }

    @Test
    void relayValueLooksUpAnyRelayParameter() throws Exception {
        RelayRequestTarget target = RelayRequestTarget.parse("/$hc/hc1?sb-hc-sas-key-name=k&sb-hc-undefined=%FF");
        assertThat(target.relayValue("SB-HC-SAS-KEY-NAME")).contains("k");
        assertThat(target.relayValue("sb-hc-undefined")).contains("\uFFFD");
        assertThat(target.relayValue("sb-hc-missing")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                             | request target: '' (expected: origin form, starting with '/')",
            "*                              | request target: '*' (expected: origin form, starting with '/')",
            "http://ns/$hc/hc1              | request target: 'http://ns/$hc/hc1' (expected: origin form",
            "/                              | path: '/' names no entity (expected: /<entity>[/suffix])",
            "/?a=1                          | path: '/' names no entity (expected: /<entity>[/suffix])",
            "/$hc                           | path: '/$hc' names no entity (expected: /$hc/<entity>[/suffix])",
            "/$hc//?sb-hc-action=listen     | path: '/$hc//' names no entity (expected: /$hc/<entity>[/suffix])",
            "/$hc/hc1/../hc2                | path: '/$hc/hc1/../hc2' contains a '..' segment (expected: no dot "
                    + "segments)",
            "/$hc/./hc1                     | path: '/$hc/./hc1' contains a '.' segment",
            "/$hc/%2e%2E/hc1                | path: '/$hc/%2e%2E/hc1' contains a '..' segment",
            "/$hc/a/%2E%2E%2Fb              | path: '/$hc/a/%2E%2E%2Fb' contains a '..' segment",
            "/$hc/%2Fecho                   | path: '/echo' (expected: an entity path without leading or trailing '/')",
            "/$hc/echo%2F                   | path: 'echo/' (expected: an entity path without leading or trailing '/')",
            "/$hc/hc%2                      | path: malformed percent-escape '%2' at index 2 in 'hc%2' (expected: "
                    + "'%' followed by two hex digits) of '/$hc/hc%2'",
            "/$hc/hc%FF                     | path: 'hc%FF' does not decode to UTF-8 text",
            "/$hc/hc1?a=%zz                 | query: malformed percent-escape '%zz' at index 0 in '%zz'",
            "/$hc/hc1?sb-hc-action=talk     | sb-hc-action: 'talk' (expected: listen, connect, accept or request)",
            "/$hc/hc1?sb-hc-action=         | sb-hc-action: '' (expected: listen, connect, accept or request)",
            "/$hc/hc1?sb-hc-id=%C3          | sb-hc-id: '%C3' does not decode to UTF-8 text",
            "/$hc/hc1?sb-hc-id=1&SB-HC-ID=2 | SB-HC-ID: given more than once (expected: at most once)",
            "/$hc/hc1#frag                  | request target: character U+0023 at index 8",
            "/$hc/h c                       | request target: character U+0020 at index 6 in '/$hc/h c' (expected: "
                    + "visible ASCII other than '#'",
    })
    void refusesWithAMessageNamingTheValue(String target, String message) {
        assertThatThrownBy(() -> RelayRequestTarget.parse(target))
                .isInstanceOf(InvalidRequestTargetException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void refusesNonAsciiCharacters() {
        assertThatThrownBy(() -> RelayRequestTarget.parse("/$hc/h\u00f8"))
                .isInstanceOf(InvalidRequestTargetException.class)
                .hasMessageContaining("character U+00F8 at index 6");
    }

    @Test
    void constructorChecksItsInvariants() {
        List<QueryParameter> none = List.of();
        assertThatThrownBy(() -> new RelayRequestTarget(true, "", none, none))
                .hasMessageContaining("path: '' (expected: an entity path without leading or trailing '/')");
        assertThatThrownBy(() -> new RelayRequestTarget(true, "/a", none, none))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayRequestTarget(true, "a", List.of(new QueryParameter("sb-hc-id", "1")), none))
                .hasMessageContaining("is a relay parameter");
        assertThatThrownBy(() -> new RelayRequestTarget(true, "a", none, List.of(new QueryParameter("x", "1"))))
                .hasMessageContaining("is not a relay parameter");
        assertThatThrownBy(() -> new RelayRequestTarget(true, "a", null, none))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("appParameters");
    }

    @Test
    void queryParameterChecksEscapes() {
        assertThatThrownBy(() -> new QueryParameter("a%", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueryParameter("a", "%x1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new QueryParameter("a", "").raw()).isEqualTo("a=");
        assertThat(new QueryParameter("a", null).value()).isNull();
        assertThat(new QueryParameter("sb-hc-x", null).isRelayParameter()).isFalse();
        assertThat(new QueryParameter("sb%2Dhc-x", "").isRelayParameter()).isTrue();
    }

    /** Random mutations of valid targets: parse either succeeds or throws InvalidRequestTargetException. */
    @Test
    void noOtherExceptionEscapesForAnyInput() {
        String[] seeds =
                {"/$hc/hc1/sfx?app=1&sb-hc-action=connect&sb-hc-id=1&sb-hc-token=SharedAccessSignature%20sr%3Dx",
                "/echo?a=%C3%B8&&b", "/$hc/a/b?sb-hc-action=accept&sb-hc-statusCode=404&statusDescription=x"};
        String alphabet = "/$hc%?&=+.#-_ 2FEa0\u00e9";
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            String target = Mutations.editWithin(random, seeds[random.nextInt(seeds.length)], alphabet);
            try {
                RelayRequestTarget parsed = RelayRequestTarget.parse(target);
                parsed.action();
                parsed.id();
                parsed.token();
                parsed.statusCode(0);
                parsed.statusDescription(0);
                parsed.appParameters().forEach(parameter -> {
                    parameter.name();
                    parameter.value();
                });
                String listenerTarget = parsed.listenerRequestTarget();
                int query = listenerTarget.indexOf('?');
                assertThat(query < 0 ? "" : listenerTarget.substring(query + 1)).isEqualTo(parsed.appQuery());
                assertThat(PercentCodec.decode(query < 0 ? listenerTarget : listenerTarget.substring(0, query)))
                        .isEqualTo("/" + parsed.path());
            } catch (InvalidRequestTargetException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError("parse(" + target + ") threw " + e, e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/$hc/hc1?sb-hc-action=listen", "/$hc/hc1?sb-hc-action=LISTEN"})
    void actionValuesIgnoreCase(String target) throws Exception {
        assertThat(RelayRequestTarget.parse(target).action()).contains(HcAction.LISTEN);
    }
}
