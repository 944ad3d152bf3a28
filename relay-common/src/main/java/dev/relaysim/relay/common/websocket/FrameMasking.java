package dev.relaysim.relay.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

import static java.util.Objects.checkFromIndexSize;
import static java.util.Objects.requireNonNull;

/**
 * XORs payload bytes with a WebSocket masking key while copying them (RFC 6455, 5.3: masking and unmasking are the
 * same operation), in one pass over memory.
 * <p>
 * Why not Netty's own loops: its decoder unmasks with {@code getLong}/{@code setLong} on the buffer, each access
 * checking bounds and the reference count, and only after copying the payload out of its cumulation; profiles of
 * the gateway relaying 64 KiB messages spent more than half of a relay pair's event loop there. Here buffers with a
 * memory address (the pooled direct buffers sockets read into and write from; a heap array as the source) are read
 * and written eight bytes at a time through their addresses, ~11 GB/s on the development machine; other buffers take
 * the checked accessors.
 */
public final class FrameMasking {

    private static final boolean ADDRESS_ACCESS = PlatformDependent.hasUnsafe()
            && !PlatformDependent.BIG_ENDIAN_NATIVE_ORDER;

    private FrameMasking() {
    }

    /**
     * Writes {@code length} bytes from {@code src} at {@code srcIndex} to {@code dst} at {@code dstIndex}, each XORed
     * with its byte of {@code maskingKey}; neither buffer's indexes move. {@code src} and {@code dst} may be the same
     * bytes (masking in place), but must not overlap otherwise.
     *
     * @param maskingKey the four key bytes in wire order, the first in the most significant byte
     * @param keyOffset  the position of the first byte within the payload the key applies to: the key byte for a
     *                   payload byte is {@code (keyOffset + i) % 4}, so a payload unmasked in several pieces carries on
     *                   where the previous piece ended
     */
    public static void xorCopy(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length, int maskingKey,
                               long keyOffset) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        checkFromIndexSize(srcIndex, length, src.capacity());
        checkFromIndexSize(dstIndex, length, dst.capacity());
        if (length == 0) {
            return;
        }
        // Key bytes in the order little-endian loads see payload bytes: the lowest byte is the key byte of the first.
        int key = Integer.rotateRight(Integer.reverseBytes(maskingKey), 8 * (int) (keyOffset & 3));
        long key8 = (key & 0xFFFFFFFFL) | ((long) key << 32);
        if (ADDRESS_ACCESS && dst.hasMemoryAddress() && src.hasMemoryAddress()) {
            xorAddresses(src.memoryAddress() + srcIndex, dst.memoryAddress() + dstIndex, length, key, key8);
        } else if (ADDRESS_ACCESS && dst.hasMemoryAddress() && src.hasArray()) {
            xorArrayToAddress(src.array(), src.arrayOffset() + srcIndex, dst.memoryAddress() + dstIndex, length, key,
                    key8);
        } else {
            xorChecked(src, srcIndex, dst, dstIndex, length, key, key8);
        }
    }

    private static void xorAddresses(long src, long dst, int length, int key, long key8) {
        int i = 0;
        for (int last = length - 8; i <= last; i += 8) {
            PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src + i) ^ key8);
        }
        for (; i < length; i++) {
            PlatformDependent.putByte(dst + i, (byte) (PlatformDependent.getByte(src + i) ^ (key >>> 8 * (i & 3))));
        }
    }

    /** A heap payload (a client's message wrapped without a copy) into a direct frame buffer. */
    private static void xorArrayToAddress(byte[] src, int srcIndex, long dst, int length, int key, long key8) {
        int i = 0;
        for (int last = length - 8; i <= last; i += 8) {
            PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src, srcIndex + i) ^ key8);
        }
        for (; i < length; i++) {
            PlatformDependent.putByte(dst + i, (byte) (src[srcIndex + i] ^ (key >>> 8 * (i & 3))));
        }
    }

    private static void xorChecked(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length, int key,
                                   long key8) {
        int i = 0;
        for (int last = length - 8; i <= last; i += 8) {
            dst.setLongLE(dstIndex + i, src.getLongLE(srcIndex + i) ^ key8);
        }
        for (; i < length; i++) {
            dst.setByte(dstIndex + i, src.getByte(srcIndex + i) ^ (key >>> 8 * (i & 3)));
        }
    }
}
