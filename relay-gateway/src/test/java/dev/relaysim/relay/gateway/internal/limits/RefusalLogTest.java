package dev.relaysim.relay.gateway.internal.limits;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A flood of refusals makes a bounded number of log lines, and every refusal is accounted for. */
class RefusalLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLogTest.class.getName() + ".log");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final RefusalLog log = new RefusalLog(logger, "maxConnectionsPerSource", Duration.ofSeconds(10));
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
        channel.freezeTime();
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFloodIsOneLinePlusOneSummaryPerInterval() {
        int[] built = {0};
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            log.refused(channel, () -> {
                built[0]++;
                return "429: refusal " + n;
            });
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .singleElement().asString().contains("refused 429: refusal 0");
        assertThat(built[0]).as("reasons built").isOne();

        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(lines.list).hasSize(1);
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getFormattedMessage()).isEqualTo("9999 more refusals by maxConnectionsPerSource "
                + "in the 10 s after the one logged before (not logged one by one)");

        log.refused(channel, () -> "429: next interval");
        log.refused(channel, () -> "429: counted");
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(4)
                .element(2).asString().contains("refused 429: next interval");
        assertThat(lines.list.get(3).getFormattedMessage()).startsWith("1 more refusals by maxConnectionsPerSource");
    }

    @Test
    void refusalsFarApartAreEachLoggedWithoutSummary() {
        for (int i = 0; i < 3; i++) {
            log.refused(channel, () -> "403: quota");
            channel.advanceTimeBy(11, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
        assertThat(lines.list).hasSize(3).allSatisfy(line -> assertThat(line.getFormattedMessage())
                .contains("refused 403: quota"));
    }

    @Test
    void intervalMustBePositive() {
        assertThatThrownBy(() -> new RefusalLog(logger, "x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval: PT0S (expected: > 0)");
    }
}
