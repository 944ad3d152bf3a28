package dev.relaysim.relay.gateway.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.relaysim.relay.common.auth.LogRedaction;
import dev.relaysim.relay.common.cli.Cli;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code gateway --log-format json}: the logback configuration it selects writes one JSON object per line. */
class JsonLogFormatTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyLineIsOneJsonObjectWithTheFormattedMessageAndTheLevelFromTheOption() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        System.setProperty(Cli.LOG_LEVEL_PROPERTY, "DEBUG");
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(GatewayMain.class.getClassLoader().getResource(GatewayMain.JSON_LOGGING));
            Logger log = context.getLogger("dev.relaysim.relay.gateway.Example");
            log.debug("refused {} from {}", "/$hc/echo?"
                    + LogRedaction.redact("sb-hc-token=SharedAccessSignature%20sr%3Dx%26sig%3Dabc"),
                    "127.0.0.1:5000");
            log.trace("not at DEBUG");
            log.warn("two\nlines", new IllegalStateException("boom"));
        } finally {
            System.setOut(stdout);
            System.clearProperty(Cli.LOG_LEVEL_PROPERTY);
            context.stop();
        }

        assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(status -> status.getLevel() > 0)
                .isEmpty();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.path("level").asText()).isEqualTo("DEBUG");
        assertThat(first.path("loggerName").asText()).isEqualTo("dev.relaysim.relay.gateway.Example");
        assertThat(first.path("formattedMessage").asText())
                .isEqualTo("refused /$hc/echo?sb-hc-token=*** from 127.0.0.1:5000");
        assertThat(first.path("timestamp").asLong()).isPositive();
        assertThat(first.has("arguments")).isFalse();
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.path("formattedMessage").asText()).isEqualTo("two\nlines");
        assertThat(second.path("throwable").path("message").asText()).isEqualTo("boom");
    }
}
