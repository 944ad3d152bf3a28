package dev.relaysim.relay.sender;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@link ResponseBodyStream} on an {@link EmbeddedChannel}: back-pressure, end, failure, early close. */
class ResponseBodyStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    @Test
    void readingPausesAtTheHighWaterMarkAndResumesAtTheLowOne() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ResponseBodyStream body = new ResponseBodyStream(channel, WAIT);
        int chunk = ResponseBodyStream.HIGH_WATER / 4;
        for (int i = 0; i < 3; i++) {
            body.offer(new byte[chunk]);
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        body.offer(new byte[chunk]);
        assertThat(channel.config().isAutoRead()).isFalse();

        assertThat(body.readNBytes(chunk)).hasSize(chunk);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("3 of 4 chunks still queued").isFalse();
        assertThat(body.read()).isZero();
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("2 of 4 chunks queued").isTrue();

        body.end();
        assertThat(body.readAllBytes()).hasSize(3 * chunk - 1);
        assertThat(body.read()).isEqualTo(-1);
        body.close();
        assertThat(channel.isOpen()).as("a body read to its end leaves the channel alone").isTrue();
        assertFalse(channel.finish());
    }

    @Test
    void aFailureIsThrownOnceTheChunksBeforeItAreRead() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ResponseBodyStream body = new ResponseBodyStream(channel, WAIT);
        body.offer(new byte[] {1, 2});
        body.fail(new IOException("cut off"));
        assertThat(body.readNBytes(2)).containsExactly(1, 2);
        assertThatThrownBy(body::read).hasMessage("cut off");
        assertThatThrownBy(body::read).hasMessage("cut off");
        assertFalse(channel.finish());
    }

    @Test
    void closingBeforeTheEndClosesTheConnectionAndNothingArrivingTimesOut() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ResponseBodyStream body = new ResponseBodyStream(channel, Duration.ofMillis(10));
        assertThatThrownBy(body::read).hasMessage("no response body data for 0 s");
        body.close();
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(body::read).hasMessage("the response body was closed");
    }
}
