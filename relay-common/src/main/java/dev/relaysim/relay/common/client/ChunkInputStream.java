package dev.relaysim.relay.common.client;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An {@link InputStream} over a body that arrives in chunks (WebSocket fragments, HTTP content): reads are served
 * from the current chunk and {@link #nextChunk()} fetches the next one when it is used up.
 */
public abstract class ChunkInputStream extends InputStream {

    private static final byte[] NONE = new byte[0];

    private byte[] chunk = NONE;
    private int position;
    private boolean ended;

    /**
     * Fetches the next chunk, waiting for it as long as the subclass allows.
     *
     * @return the chunk (possibly empty), or {@code null} at the end of the body
     * @throws IOException if the body cannot be read to its end
     */
    protected abstract byte @Nullable [] nextChunk() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        while (position == chunk.length) {
            if (ended) {
                return -1;
            }
            byte[] next = nextChunk();
            if (next == null) {
                ended = true;
            } else {
                chunk = next;
                position = 0;
            }
        }
        int count = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, count);
        position += count;
        return count;
    }

    /** The bytes left in the current chunk, which can be read without waiting. */
    @Override
    public int available() {
        return chunk.length - position;
    }
}
