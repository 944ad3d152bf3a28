package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.internal.registry.EntityMatch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * A sender whose WebSocket upgrade is held until a listener accepts or rejects it on the rendezvous port of one
 * gateway instance. It owns the sender's upgrade request (one reference) until whoever takes it out of the
 * {@link RendezvousTable} completes the upgrade with it or releases it; that happens on the sender's event loop.
 * Nothing the relayed connection keeps refers to it once the sender is released
 * ({@link #onSenderClosedWhileHeld}), so its request (SAS token included) is not kept for the connection's life.
 */
public final class PendingRendezvous {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final int instance;
    private final EntityMatch match;
    private final Channel sender;
    private final FullHttpRequest request;
    private final int senderAppParameterCount;
    private final AtomicBoolean senderReleased = new AtomicBoolean();
    private ScheduledFuture<?> expiry;
    private @Nullable ChannelFutureListener whileHeld;

    /**
     * @param id the rendezvous id, see {@link #newId(int)}
     * @param instance the gateway instance whose rendezvous port must receive the accept
     * @param match the hybrid connection the sender connects to
     * @param sender the sender's channel, autoRead off
     * @param request the sender's upgrade request; this object now owns one reference
     * @param senderAppParameterCount how many query parameters of the sender's own the accept address repeats
     */
    public PendingRendezvous(String id, int instance, EntityMatch match, Channel sender, FullHttpRequest request,
                             int senderAppParameterCount) {
        this.id = requireNonNull(id, "id");
        this.instance = instance;
        this.match = requireNonNull(match, "match");
        this.sender = requireNonNull(sender, "sender");
        this.request = requireNonNull(request, "request");
        this.senderAppParameterCount = senderAppParameterCount;
    }

    /** How many leading application parameters of the accept address are the sender's, not the listener's. */
    public int senderAppParameterCount() {
        return senderAppParameterCount;
    }

    /**
     * A fresh, unguessable id {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx_G<instance>}, as the service forms them:
     * all 128 bits of the GUID come from {@link SecureRandom} (no version or variant bits are set, unlike
     * {@link UUID#randomUUID()}'s 122), so guessing an accept or request address takes 2^127 tries on average. Any
     * 32 hex digits in that shape parse as a GUID ({@code UUID.fromString}, .NET's {@code Guid.Parse}), which the
     * SDKs' listeners require.
     */
    public static String newId(int instance) {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        ByteBuffer buffer = ByteBuffer.wrap(bits);
        return new UUID(buffer.getLong(), buffer.getLong()) + "_G" + instance;
    }

    public String id() {
        return id;
    }

    public int instance() {
        return instance;
    }

    public EntityMatch match() {
        return match;
    }

    public Channel sender() {
        return sender;
    }

    /** The held upgrade request; only its owner may use or release it, on the sender's event loop. */
    public FullHttpRequest request() {
        return request;
    }

    /**
     * Runs {@code onClose} if the sender's connection closes before the sender is released; on the sender's event
     * loop. Once it is released ({@link #releaseSender}), the listener leaves the sender's close future.
     */
    public void onSenderClosedWhileHeld(ChannelFutureListener onClose) {
        whileHeld = requireNonNull(onClose, "onClose");
        sender.closeFuture().addListener(onClose);
    }

    /**
     * Marks the sender as no longer held (it got its 101, or its connection ended); on the sender's event loop.
     *
     * @return whether this call marked it, so that only the first one counts
     */
    public boolean releaseSender() {
        if (!senderReleased.compareAndSet(false, true)) {
            return false;
        }
        if (whileHeld != null) {
            sender.closeFuture().removeListener(whileHeld);
            whileHeld = null;
        }
        return true;
    }

    synchronized void expiry(ScheduledFuture<?> future) {
        expiry = future;
    }

    synchronized void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "rendezvous " + id + " for " + match.entity() + " from " + sender.remoteAddress();
    }
}
