package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayCloseStatus;
import dev.relaysim.relay.common.client.RelayConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * Where a response goes. A request that came on the control channel is answered there when the response is
 * small, else on its rendezvous address, which the listener opens for the response and closes (1000) after it.
 * A request that came on a rendezvous is answered on that rendezvous, which is closed (1000) after the response.
 */
final class ResponseRoute {

    private final RelayConnection small;
    private final Callable<RelayConnection> opener;
    private RelayConnection rendezvous;

    private ResponseRoute(RelayConnection small, Callable<RelayConnection> opener, RelayConnection rendezvous) {
        this.small = small;
        this.opener = opener;
        this.rendezvous = rendezvous;
    }

    /** For a request from the control channel; {@code opener} opens the request's address (blocking). */
    static ResponseRoute control(RelayConnection control, Callable<RelayConnection> opener) {
        return new ResponseRoute(requireNonNull(control, "control"), requireNonNull(opener, "opener"), null);
    }

    /** For a request that came on {@code rendezvous}. */
    static ResponseRoute rendezvous(RelayConnection rendezvous) {
        requireNonNull(rendezvous, "rendezvous");
        return new ResponseRoute(rendezvous, () -> rendezvous, rendezvous);
    }

    /** The connection for a response within the control channel's limits. */
    RelayConnection forSmallResponse() {
        return small;
    }

    /** The rendezvous for a response beyond them, opened now if needed. */
    RelayConnection forLargeResponse() throws IOException {
        if (rendezvous == null) {
            try {
                rendezvous = opener.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while opening the response rendezvous");
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot open the response rendezvous: " + e.getMessage(), e);
            }
        }
        return rendezvous;
    }

    /** Closes the rendezvous, if any, normally after a complete response or with 1011 after a failed one. */
    void finish(boolean complete) {
        if (rendezvous != null && rendezvous.isOpen()) {
            if (complete) {
                rendezvous.close(RelayCloseStatus.NORMAL, "response complete");
            } else {
                rendezvous.close(1011, "request handler failed");
            }
        }
    }
}
