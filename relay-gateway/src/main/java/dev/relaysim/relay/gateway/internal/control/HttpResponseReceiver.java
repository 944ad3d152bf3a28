package dev.relaysim.relay.gateway.internal.control;

import dev.relaysim.relay.common.protocol.ResponseCommand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The HTTP exchange a listener's {@code response} belongs to, fed by whichever channel the response arrives on (the
 * control channel or a request rendezvous). Every method may be called from any thread; calls for one response come
 * from one thread, in order.
 */
public interface HttpResponseReceiver {

    /**
     * The response head.
     *
     * @param source the channel the response arrives on; the receiver may pause its reading while the sender cannot
     *               keep up (only for a rendezvous, never for a control channel)
     */
    void onResponse(ResponseCommand response, Channel source);

    /**
     * One piece of the body.
     *
     * @param content the bytes; the receiver takes ownership
     * @param last whether the body ends with it (FIN, or the rendezvous closed)
     */
    void onBody(ByteBuf content, boolean last);

    /** The channel carrying the response went away before the response was complete. */
    void onAbort(String reason);
}
