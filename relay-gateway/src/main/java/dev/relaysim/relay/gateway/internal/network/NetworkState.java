package dev.relaysim.relay.gateway.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;
import dev.relaysim.relay.gateway.network.NetworkModel;

/**
 * The gateway's current {@link NetworkModel}, changed live (by the management API) and observed by whoever must
 * react: admission reads {@link #current()} for every new connection; listeners registered with
 * {@link #onChange} re-check open connections and bind or unbind private endpoint addresses.
 */
public final class NetworkState {

    private static final Logger logger = LoggerFactory.getLogger(NetworkState.class);

    private final List<Consumer<NetworkModel>> listeners = new CopyOnWriteArrayList<>();
    private volatile NetworkModel current;
    private volatile Consumer<NetworkModel> store = model -> { };
    private volatile Consumer<Runnable> sequencer = Runnable::run;

    public NetworkState(NetworkModel initial) {
        current = requireNonNull(initial, "initial");
    }

    public NetworkModel current() {
        return current;
    }

    /**
     * Applies {@code change} to the current model; changes are serialized, so none is lost. A change that makes an
     * invalid model throws its {@link IllegalArgumentException} and leaves the state as it was. Listeners run after
     * the new model is in place, on the calling thread; one that throws is logged and does not stop the others.
     *
     * @return the new model
     * @throws java.io.UncheckedIOException when the {@linkplain #storeWith store} cannot save the new model; the
     *                                      state stays as it was
     */
    public NetworkModel update(UnaryOperator<NetworkModel> change) {
        requireNonNull(change, "change");
        List<NetworkModel> updated = new ArrayList<>(1);
        sequencer.accept(() -> updated.add(apply(change)));
        return updated.get(0);
    }

    /**
     * Replaces the model with {@code model}, as another node of the cluster changed it: saved and announced as by
     * {@link #update}, but not run through the {@linkplain #sequenceUpdatesWith sequencer}.
     *
     * @throws java.io.UncheckedIOException when the store cannot save it; the state stays as it was
     */
    public void replace(NetworkModel model) {
        requireNonNull(model, "model");
        apply(current -> model);
    }

    private NetworkModel apply(UnaryOperator<NetworkModel> change) {
        NetworkModel updated;
        synchronized (this) {
            updated = requireNonNull(change.apply(current), "changed model");
            store.accept(updated);
            current = updated;
        }
        for (Consumer<NetworkModel> listener : listeners) {
            try {
                listener.accept(updated);
            } catch (RuntimeException e) {
                logger.warn("a network change listener failed", e);
            }
        }
        return updated;
    }

    /**
     * Saves every new model from now on with {@code store} before it takes effect, in the order of the changes; a
     * change {@code store} cannot save (it throws) is refused.
     */
    public void storeWith(Consumer<NetworkModel> store) {
        this.store = requireNonNull(store, "store");
    }

    /**
     * Runs every {@link #update} from now on through {@code sequencer}, which must run it on the calling thread (a
     * cluster runs it under its lock, after this node caught up with the other nodes' changes) and pass its
     * exceptions on.
     */
    public void sequenceUpdatesWith(Consumer<Runnable> sequencer) {
        this.sequencer = requireNonNull(sequencer, "sequencer");
    }

    /** Calls {@code listener} with every new model from now on. */
    public void onChange(Consumer<NetworkModel> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }
}
