package dev.relaysim.relay.loadtest;

/** A correctness failure: a message lost, reordered, corrupted or extra, or a connection that did not complete. */
final class BenchFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
