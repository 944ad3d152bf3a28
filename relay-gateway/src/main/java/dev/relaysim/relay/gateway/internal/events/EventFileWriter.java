package dev.relaysim.relay.gateway.internal.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * Appends the journal's events as JSON lines to {@value #FILE_NAME} in the data directory, on a thread of its own:
 * event loops only wake it. When it falls more than the ring's capacity behind (a slow disk), it writes one
 * {@code EventsDropped} line for the gap rather than hold events; a write error is logged once and ends the file,
 * never traffic.
 */
public final class EventFileWriter implements AutoCloseable {

    /** The file's name in the data directory. */
    public static final String FILE_NAME = "events.jsonl";

    private static final Logger logger = LoggerFactory.getLogger(EventFileWriter.class);
    private static final int BATCH = 1024;

    private final EventJournal journal;
    private final Path file;
    private final Thread thread;
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final Runnable wakeUp = this::wakeUp;
    private volatile boolean closed;
    private BufferedWriter writer;
    private long cursor;

    public EventFileWriter(EventJournal journal, Path dataDirectory) {
        this.journal = requireNonNull(journal, "journal");
        file = requireNonNull(dataDirectory, "dataDirectory").resolve(FILE_NAME);
        thread = new Thread(this::run, "relaysim-events-file");
        thread.setDaemon(true);
    }

    public Path path() {
        return file;
    }

    /**
     * Opens the file for appending and writes every event recorded from now on.
     *
     * @throws IOException naming the file when it cannot be opened
     */
    public void start() throws IOException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IOException("events.file: cannot open " + file + " for appending: " + e.getMessage(), e);
        }
        cursor = journal.lastId();
        journal.addReader(wakeUp);
        thread.start();
        logger.info("events are appended to {}", file);
    }

    /** Writes what is left, closes the file and stops the thread (waiting up to 5 s). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        journal.removeReader(wakeUp);
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void wakeUp() {
        if (wakeUpPending.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        try (BufferedWriter out = writer) {
            while (true) {
                boolean stopping = closed;
                wakeUpPending.set(false);
                drain(out);
                if (stopping) {
                    return;
                }
                if (!wakeUpPending.get()) {
                    LockSupport.park(this);
                }
            }
        } catch (IOException e) {
            logger.warn("events.file: cannot write {} ({}); events are no longer written to it", file,
                    e.getMessage());
            journal.removeReader(wakeUp);
        }
    }

    private void drain(BufferedWriter out) throws IOException {
        boolean wrote = false;
        while (true) {
            EventJournal.Slice slice = journal.read(cursor, BATCH);
            if (slice.dropped() > 0) {
                cursor += slice.dropped();
                out.write(new RelayEvent(Instant.now(), RelayEvent.Operation.EVENTS_DROPPED, null, null, null, null,
                        null, slice.dropped() + " events were dropped: the file fell more than the journal's "
                        + "capacity of " + journal.capacity() + " events behind", null).toJson(cursor).toString());
                out.newLine();
                wrote = true;
            }
            if (slice.events().isEmpty()) {
                break;
            }
            for (EventJournal.Stored stored : slice.events()) {
                out.write(stored.event().toJson(stored.id()).toString());
                out.newLine();
                cursor = stored.id();
            }
            wrote = true;
        }
        if (wrote) {
            out.flush();
        }
    }
}
