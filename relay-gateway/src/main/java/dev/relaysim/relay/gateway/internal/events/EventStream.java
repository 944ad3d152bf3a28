package dev.relaysim.relay.gateway.internal.events;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Writes the journal to one management connection as Server-Sent Events. Position: {@code MANAGEMENT_STREAM}, before
 * {@code ERROR_HANDLER}, once the management handler has written the chunked head.
 * <ul>
 *   <li>Each event is one message: {@code id:}, {@code event:} (the operation) and {@code data:} (the event's
 *       JSON); a {@code : keep-alive} comment every {@value #KEEP_ALIVE_SECONDS} s keeps proxies from closing it.</li>
 *   <li>Back-pressure: it writes only while the channel is writable and reads the journal where it left off when it
 *       becomes writable again, so a slow reader costs at most the write buffer's high water mark plus one batch.
 *       Events the ring overwrote meanwhile are reported as one {@code EventsDropped} message, never buffered.</li>
 *   <li>Wake-ups from recording threads only set a flag and schedule one drain on this channel's loop.</li>
 *   <li>Inbound data (a client has nothing to say) is released; closing the connection unsubscribes it.</li>
 * </ul>
 */
public final class EventStream extends ChannelInboundHandlerAdapter {

    static final int KEEP_ALIVE_SECONDS = 15;
    /** Events taken from the ring per read; a drain writes batches while the channel stays writable. */
    private static final int BATCH = 256;
    private static final Logger logger = LoggerFactory.getLogger(EventStream.class);

    private final EventJournal journal;
    private final EventFilter filter;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable wakeUp = this::wakeUp;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> keepAlive;
    /** The number of the last event this stream has passed (written or filtered out); only on the channel's loop. */
    private long cursor;

    /**
     * @param startAfter the number of the last event the client has (its {@code Last-Event-ID}), or the journal's
     *                   last number for only new events
     */
    public EventStream(EventJournal journal, EventFilter filter, long startAfter) {
        this.journal = requireNonNull(journal, "journal");
        this.filter = requireNonNull(filter, "filter");
        cursor = startAfter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        journal.addReader(wakeUp);
        keepAlive = ctx.executor().scheduleAtFixedRate(this::sendKeepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(closed -> stop());
        drain();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void stop() {
        journal.removeReader(wakeUp);
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
    }

    /** From any thread, per recorded event: at most one drain is queued on the channel's loop at a time. */
    private void wakeUp() {
        if (drainScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(() -> {
                drainScheduled.set(false);
                drain();
            });
        }
    }

    private void drain() {
        boolean wrote = false;
        while (ctx.channel().isActive() && ctx.channel().isWritable()) {
            EventJournal.Slice slice = journal.read(cursor, BATCH);
            if (slice.dropped() > 0) {
                long lastLost = cursor + slice.dropped();
                write(lastLost, new RelayEvent(Instant.now(), RelayEvent.Operation.EVENTS_DROPPED, null, null, null,
                        null, null, slice.dropped() + " events were dropped: this reader fell more than the "
                        + "journal's capacity of " + journal.capacity() + " events behind", null));
                cursor = lastLost;
                wrote = true;
            }
            if (slice.events().isEmpty()) {
                break;
            }
            for (EventJournal.Stored stored : slice.events()) {
                cursor = stored.id();
                if (filter.matches(stored.event())) {
                    write(stored.id(), stored.event());
                    wrote = true;
                }
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void write(long id, RelayEvent event) {
        String message = "id: " + id + "\nevent: " + event.operationName().wireName() + "\ndata: "
                + event.toJson(id) + "\n\n";
        ctx.write(new DefaultHttpContent(utf8(message)));
    }

    private void sendKeepAlive() {
        if (ctx.channel().isActive() && ctx.channel().isWritable()) {
            ctx.writeAndFlush(new DefaultHttpContent(utf8(": keep-alive\n\n")));
        } else {
            logger.debug("{} event stream not writable for {}; keep-alive skipped", ctx.channel(),
                    Duration.ofSeconds(KEEP_ALIVE_SECONDS));
        }
    }

    private ByteBuf utf8(String text) {
        return ByteBufUtil.writeUtf8(ctx.alloc(), text);
    }
}
