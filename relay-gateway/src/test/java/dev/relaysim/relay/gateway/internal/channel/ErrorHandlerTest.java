package dev.relaysim.relay.gateway.internal.channel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorHandlerTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ErrorHandler.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void tlsHandshakeTimeoutReportedOnlyAsAnEventIsLoggedOnceAndCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorHandler());

        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SslHandshakeTimeoutException("handshake timed out after 10000ms")));
        channel.pipeline().fireExceptionCaught(new DecoderException(new SslHandshakeTimeoutException("again")));

        assertThat(channel.isOpen()).isFalse();
        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(line.getFormattedMessage()).contains("TLS failed", "handshake timed out after 10000ms");
        });
    }

    @Test
    void successfulHandshakeEventIsPassedOnQuietly() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorHandler());

        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

        assertThat(channel.isOpen()).isTrue();
        assertThat(lines.list).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void plainTextOnTheTlsPortIsLoggedWithoutTheBytesReceived() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorHandler());

        channel.pipeline().fireExceptionCaught(new NotSslRecordException("not an SSL/TLS record: "
                + "474554202f3f7369673d"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(lines.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                .contains("not a TLS record").doesNotContain("474554"));
    }
}
