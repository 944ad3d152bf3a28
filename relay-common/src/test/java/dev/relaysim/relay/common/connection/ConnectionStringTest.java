package dev.relaysim.relay.common.connection;

import dev.relaysim.relay.common.auth.SasAudience;
import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionStringTest {

    private static final String KEY = "Qf2Wd6Nmmo3DkYHPqsJ1Zo5i9SOXHL1oy8Ejhlbl+Mc=";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

    @Test
    void parsesTheUsualForm() {
        ConnectionString cs =
                ConnectionString.parse("Endpoint=sb://localhost:9443/;SharedAccessKeyName=RootManageSharedAccessKey;"
                + "SharedAccessKey=" + KEY + ";EntityPath=echo");

        assertThat(cs.endpoint()).isEqualTo(URI.create("sb://localhost:9443/"));
        assertThat(cs.host()).isEqualTo("localhost");
        assertThat(cs.port()).isEqualTo(9443);
        assertThat(cs.entityPath()).isEqualTo("echo");
        assertThat(cs.sharedAccessKeyName()).isEqualTo("RootManageSharedAccessKey");
        assertThat(cs.sharedAccessKey()).isEqualTo(KEY);
        assertThat(cs.sharedAccessSignature()).isNull();
        assertThat(cs.operationTimeout()).isNull();
        assertThat(cs.operationTimeoutOrDefault()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cs.hasCredentials()).isTrue();
    }

    @Test
    void keysIgnoreCaseOrderAndSurroundingSpaceAndValuesSplitOnTheFirstEquals() {
        ConnectionString cs = ConnectionString.parse(" entitypath = echo ; SHAREDACCESSKEY=" + KEY
                + ";sharedaccesskeyname=Root;ENDPOINT=sb://Contoso.ServiceBus.Windows.Net;;");

        assertThat(cs.sharedAccessKey()).isEqualTo(KEY);
        assertThat(cs.entityPath()).isEqualTo("echo");
        assertThat(cs.endpoint()).isEqualTo(URI.create("sb://Contoso.ServiceBus.Windows.Net/"));
        assertThat(cs.port()).isEqualTo(443);
    }

    @Test
    void formatRoundTrips() {
        String text = "Endpoint=sb://localhost:9443/;SharedAccessKeyName=Root;SharedAccessKey=" + KEY
                + ";EntityPath=echo;OperationTimeout=00:00:30";
        ConnectionString cs = ConnectionString.parse(text);
        assertThat(cs.format()).isEqualTo(text);
        assertThat(ConnectionString.parse(cs.format())).isEqualTo(cs);

        ConnectionString bare = ConnectionString.parse("Endpoint=sb://ns");
        assertThat(bare.format()).isEqualTo("Endpoint=sb://ns/");
        assertThat(bare.hasCredentials()).isFalse();
        assertThat(bare.entityPath()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "00:00:30        | PT30S",
            "01:02:03        | PT1H2M3S",
            "1.00:00:00      | PT24H",
            "00:01:00.5      | PT1M0.5S",
            "45              | PT45S",
            "0:5:0           | PT5M",
    })
    void operationTimeoutIsATimeSpanOrSeconds(String text, Duration expected) {
        ConnectionString cs = ConnectionString.parse("Endpoint=sb://ns/;OperationTimeout=" + text);
        assertThat(cs.operationTimeout()).isEqualTo(expected);
        assertThat(ConnectionString.parse(cs.format()).operationTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                      | connection string: missing Endpoint (expected: "
                    + "Endpoint=sb://<host>[:<port>]/)",
            "EntityPath=echo                         | connection string: missing Endpoint",
            "Endpoint=                               | connection string: missing Endpoint",
            "Endpoint=https://ns/                    | Endpoint: https://ns/ (expected: sb://<host>[:<port>]/)",
            "Endpoint=ns.servicebus.windows.net      | Endpoint: ns.servicebus.windows.net (expected: sb://",
            "Endpoint=sb://                          | Endpoint: 'sb://' is not a URI",
            // Found by ConnectionStringFuzzTest: java.net.URI takes any number of digits as a port.
            "Endpoint=sb://ns:100000/                | Endpoint: sb://ns:100000/ (expected: a port 0-65535)",
            "Endpoint=sb://ns/;Authentication=Managed Identity | connection string: unknown key 'Authentication' "
                    + "(expected: Endpoint, EntityPath, SharedAccessKeyName, SharedAccessKey, SharedAccessSignature, "
                    + "OperationTimeout)",
            "Endpoint=sb://ns/;Bogus                 | connection string: 'Bogus' has no '=' (expected: <key>=<value>)",
            "Endpoint=sb://ns/;endpoint=sb://x/      | connection string: Endpoint given more than once",
            "Endpoint=sb://ns/;SharedAccessKey=abc   | SharedAccessKeyName and SharedAccessKey must be given "
                    + "together (got only SharedAccessKey)",
            "Endpoint=sb://ns/;SharedAccessKeyName=k | SharedAccessKeyName and SharedAccessKey must be given "
                    + "together (got only SharedAccessKeyName)",
            "Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=v;SharedAccessSignature=SharedAccessSignature "
                    + "sr=a&sig=AA==&se=1&skn=k | SharedAccessSignature cannot be combined with SharedAccessKeyName "
                    + "or SharedAccessKey",
            "Endpoint=sb://ns/;SharedAccessSignature=garbage | SharedAccessSignature: SAS token: field 'garbage' has "
                    + "no '='",
            "Endpoint=sb://ns/;OperationTimeout=soon | OperationTimeout: 'soon' (expected: hh:mm:ss, "
                    + "d.hh:mm:ss[.fffffff] or whole seconds)",
            "Endpoint=sb://ns/;OperationTimeout=00:61:00 | OperationTimeout: '00:61:00' (expected",
            "Endpoint=sb://ns/;OperationTimeout=0    | OperationTimeout: PT0S (expected: > 0)",
            "Endpoint=sb://ns/;OperationTimeout=-5   | OperationTimeout: '-5' (expected",
    })
    void refusesWithAMessageNamingKeyAndValue(String text, String message) {
        assertThatThrownBy(() -> ConnectionString.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void keyAndKeyNameAreLimitedTo256Characters() {
        assertThatThrownBy(() -> ConnectionString.parse("Endpoint=sb://ns/;SharedAccessKeyName=" + "n".repeat(257)
                + ";SharedAccessKey=k")).hasMessage("SharedAccessKeyName: 257 characters (expected: 1-256)");
        assertThatThrownBy(() -> ConnectionString.parse("Endpoint=sb://ns/;SharedAccessKeyName=n;SharedAccessKey="
                + "k".repeat(257))).hasMessage("SharedAccessKey: 257 characters (expected: 1-256)");
    }

    @Test
    void toStringNeverShowsSecrets() {
        ConnectionString withKey =
                ConnectionString.parse("Endpoint=sb://ns/;SharedAccessKeyName=Root;SharedAccessKey=" + KEY);
        assertThat(withKey.toString()).doesNotContain(KEY).contains("SharedAccessKey=***", "SharedAccessKeyName=Root");

        String token =
                SharedAccessSignature.createToken("http://ns/echo/", "Root", KEY, Instant.ofEpochSecond(1_800_000_000));
        ConnectionString withSignature = ConnectionString.parse("Endpoint=sb://ns/;SharedAccessSignature=" + token);
        assertThat(withSignature.toString()).doesNotContain("sig=").contains("SharedAccessSignature=***");
        assertThat(withSignature.format()).contains(token);
    }

    @Test
    void tokenForSignsWithTheKey() throws Exception {
        ConnectionString cs =
                ConnectionString.parse("Endpoint=sb://localhost:9443/;SharedAccessKeyName=Root;SharedAccessKey="
                + KEY + ";EntityPath=echo");
        String audience = SharedAccessSignature.audienceFor(cs.host(), cs.entityPath());
        SasToken token = SasToken.parse(cs.tokenFor(audience, Duration.ofHours(1), CLOCK));

        assertThat(token.keyName()).isEqualTo("Root");
        assertThat(token.expiresAt()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(1)));
        assertThat(token.decodedResource()).isEqualTo("http://localhost/echo/");
        assertThat(SharedAccessSignature.verify(token, KEY)).isTrue();
        assertThat(SasAudience.covers(token.decodedResource(), List.of("localhost"), "echo")).isTrue();
        assertThatThrownBy(() -> cs.tokenFor(audience, Duration.ZERO, CLOCK)).hasMessage("ttl: PT0S (expected: > 0)");
    }

    @Test
    void tokenForReturnsTheGivenSignature() {
        String token =
                SharedAccessSignature.createToken("http://ns/echo/", "Root", KEY, Instant.ofEpochSecond(1_800_000_000));
        ConnectionString cs = ConnectionString.parse("Endpoint=sb://ns/;SharedAccessSignature=" + token);
        assertThat(cs.tokenFor("http://ns/other/", Duration.ofHours(1), CLOCK)).isEqualTo(token);

        String bare = token.substring("SharedAccessSignature ".length());
        ConnectionString withoutScheme = ConnectionString.parse("Endpoint=sb://ns/;SharedAccessSignature=" + bare);
        assertThat(withoutScheme.tokenFor("http://ns/echo/", Duration.ofHours(1), CLOCK)).isEqualTo(token);
    }

    @Test
    void tokenForWithoutCredentialsFails() {
        ConnectionString cs = ConnectionString.parse("Endpoint=sb://ns/;EntityPath=echo");
        assertThatThrownBy(() -> cs.tokenFor("http://ns/echo/", Duration.ofHours(1), CLOCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connection string has neither SharedAccessKey nor SharedAccessSignature");
    }

    @Test
    void constructorValidates() {
        URI endpoint = URI.create("sb://ns/");
        assertThatThrownBy(() -> new ConnectionString(endpoint, "a;b", null, null, null, null))
                .hasMessage("EntityPath: 'a;b' (expected: non-empty, no ';', no surrounding white space)");
        assertThatThrownBy(() -> new ConnectionString(endpoint, null, null, null, null, Duration.ofSeconds(-1)))
                .hasMessage("OperationTimeout: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> new ConnectionString(null, null, null, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("endpoint");
        assertThat(new ConnectionString(URI.create("sb://ns:1"), null, null, null, null, null).endpoint())
                .isEqualTo(URI.create("sb://ns:1/"));
    }
}
