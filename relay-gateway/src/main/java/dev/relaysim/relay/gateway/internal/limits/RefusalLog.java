package dev.relaysim.relay.gateway.internal.limits;

import io.netty.channel.Channel;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Logs the refusals of one limit without letting a flood flood the log: the first refusal of an interval is logged
 * on its own line (INFO: channel, reason with the status, remote address); the ones after it within the interval are
 * counted and logged as one summary line when the interval ends. A flood thus yields at most two lines per
 * interval, and every refusal is logged once, on its own or in a summary (a summary still due when the gateway
 * stops is not written; the refusal meter counts every refusal). Time is the refused channel's event loop's
 * ({@code ticker()}); the summary is scheduled there. Thread-safe.
 */
public final class RefusalLog {

    /** The interval of the gateway's limit refusal logs. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger logger;
    private final String limit;
    private final long intervalNanos;
    private boolean anyLogged;
    /** When the current interval ends, in ticker nanos. */
    private long intervalEnd;
    private int suppressed;
    private boolean summaryScheduled;

    /**
     * @param logger where the lines go
     * @param limit the limit's name in the summary line, such as {@code maxConnectionsPerSource}
     * @param interval how long one logged refusal stands for the ones after it
     */
    public RefusalLog(Logger logger, String limit, Duration interval) {
        this.logger = requireNonNull(logger, "logger");
        this.limit = requireNonNull(limit, "limit");
        intervalNanos = requireNonNull(interval, "interval").toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
    }

    /**
     * Logs or counts one refusal of {@code channel}; {@code reason} (starting with the status, such as {@code 429:
     * ...}) is only built when it is logged.
     */
    public void refused(Channel channel, Supplier<String> reason) {
        long now = channel.eventLoop().ticker().nanoTime();
        boolean log;
        boolean schedule = false;
        long delay = 0;
        synchronized (this) {
            log = !anyLogged || now - intervalEnd >= 0;
            if (log) {
                anyLogged = true;
                intervalEnd = now + intervalNanos;
            } else {
                suppressed++;
                if (!summaryScheduled) {
                    summaryScheduled = true;
                    schedule = true;
                    delay = intervalEnd - now;
                }
            }
        }
        if (log) {
            logger.info("{} refused {} (remote {})", channel, reason.get(), channel.remoteAddress());
        } else if (schedule) {
            channel.eventLoop().schedule(this::summarize, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void summarize() {
        int count;
        synchronized (this) {
            count = suppressed;
            suppressed = 0;
            summaryScheduled = false;
        }
        logger.info("{} more refusals by {} in the {} s after the one logged before (not logged one by one)", count,
                limit, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
    }
}
