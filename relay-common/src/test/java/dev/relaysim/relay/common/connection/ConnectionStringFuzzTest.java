package dev.relaysim.relay.common.connection;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.testing.FuzzReport;
import dev.relaysim.relay.common.testing.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of connection strings: {@link ConnectionString#parse(String)} returns a value that formats and parses
 * back to itself, or throws an {@link IllegalArgumentException} naming the key or value; valid strings
 * round-trip; a parsed string with credentials makes a token and never shows its key.
 */
@Tag("fuzz")
@AddLifecycleHook(FuzzReport.class)
class ConnectionStringFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final List<String> TOKENS = List.of(";", "=", "Endpoint=", "endpoint = ", "sb://", "sb://ns:9443/",
            "https://", "EntityPath=", "SharedAccessKeyName=", "SharedAccessKey=", "SharedAccessSignature=",
            "SharedAccessSignature sr=a&sig=b&se=1&skn=k", "OperationTimeout=", "00:01:00", "1.02:03:04.5", "25:00:00",
            "0", "999999999", "9999999999", "-1", " ", "\t", "[::1]", ":", "/", "?", "#", "%", "\u00e9", "\u0000",
            "Unknown=1", "a");

    @Property
    void validConnectionStringsRoundTrip(@ForAll("valid") ConnectionString connectionString) {
        assertThat(ConnectionString.parse(connectionString.format())).isEqualTo(connectionString);
    }

    @Property
    void anyTextParsesAndRoundTripsOrIsRejectedWithAClearMessage(@ForAll("text") String text) {
        ConnectionString parsed;
        try {
            parsed = ConnectionString.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("(?s)(connection string|Endpoint|EntityPath|SharedAccessKeyName"
                    + "|SharedAccessKey|SharedAccessSignature|OperationTimeout)[: ].+");
            return;
        }
        assertThat(ConnectionString.parse(parsed.format())).isEqualTo(parsed);
        assertThat(parsed.port()).isBetween(0, 65535);
        assertThat(parsed.operationTimeoutOrDefault()).isPositive();
        if (parsed.sharedAccessKey() != null) {
            assertThat(parsed.toString()).doesNotContain("SharedAccessKey=" + parsed.sharedAccessKey());
        }
        if (parsed.hasCredentials()) {
            assertThat(parsed.tokenFor("http://" + parsed.host() + "/hc/", Duration.ofHours(1), CLOCK)).isNotEmpty();
        }
    }

    @Provide
    Arbitrary<ConnectionString> valid() {
        Arbitrary<URI> endpoint = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(8)
                        .list().ofMinSize(1).ofMaxSize(4).map(labels -> "h" + String.join(".", labels) + ".example"),
                Arbitraries.integers().between(-1, 65535)).as((host, port) ->
                URI.create("sb://" + host + (port < 0 ? "" : ":" + port) + "/"));
        Arbitrary<String> value = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .filter(s -> !s.contains(";") && s.equals(s.strip()));
        Arbitrary<String> keyName = value.filter(s -> s.length() <= 256);
        Arbitrary<Duration> timeout = Arbitraries.longs().between(1, 999_999_999L * 1000)
                .map(Duration::ofMillis).injectNull(0.3);
        Arbitrary<ConnectionString> withKey = Combinators.combine(endpoint, value.injectNull(0.3), keyName, keyName,
                timeout).as((uri, entity, name, key, operationTimeout) ->
                new ConnectionString(uri, entity, name, key, null, operationTimeout));
        Arbitrary<ConnectionString> withSignature = Combinators.combine(endpoint, value.injectNull(0.3), value,
                timeout).as((uri, entity, key, operationTimeout) -> new ConnectionString(uri, entity, null, null,
                SharedAccessSignature.createToken(uri + "hc", "rule", key, Instant.ofEpochSecond(1_800_000_000L)),
                operationTimeout));
        return Arbitraries.oneOf(withKey, withSignature);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(100),
                Arbitraries.of(TOKENS).list().ofMaxSize(20).map(parts -> String.join("", parts)),
                Mutations.of(valid().map(ConnectionString::format), TOKENS));
    }
}
