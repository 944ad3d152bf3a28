package dev.relaysim.relay.gateway.network;

/** A change that would pass one of Azure's limits (64 private endpoints per namespace, 64 namespaces with them). */
public final class QuotaExceededException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public QuotaExceededException(String message) {
        super(message);
    }
}
