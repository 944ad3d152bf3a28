package dev.relaysim.relay.gateway.internal.metrics;

import dev.relaysim.relay.common.protocol.HcAction;

/** Records nothing: for unit tests that build pipelines or relay pairs without a gateway. */
public final class NoopGatewayMetrics implements GatewayMetrics {

    public static final NoopGatewayMetrics INSTANCE = new NoopGatewayMetrics();
    /** The entity recorder {@link #entity} returns. */
    public static final EntityMetrics ENTITY = new NoopEntityMetrics();

    private NoopGatewayMetrics() {
    }

    @Override
    public EntityMetrics entity(String namespace, String entity) {
        return ENTITY;
    }

    @Override
    public void refused(RefusalReason reason) {
    }

    @Override
    public void httpRequest(int statusCode) {
    }

    @Override
    public void dnsQuery(DnsAnswer answer) {
    }

    @Override
    public void handshakeCompleted(HcAction action, long nanos) {
    }

    @Override
    public void connectionPhase(ConnectionPhase phase, long nanos) {
    }

    private static final class NoopEntityMetrics implements EntityMetrics {

        @Override
        public void listenerConnected() {
        }

        @Override
        public void listenerDisconnected() {
        }

        @Override
        public void senderHeld() {
        }

        @Override
        public void senderReleased() {
        }

        @Override
        public void rendezvousIssued() {
        }

        @Override
        public void rendezvousClaimed() {
        }

        @Override
        public void rendezvousExpired() {
        }

        @Override
        public void rendezvousAbandoned() {
        }

        @Override
        public void rendezvousRejected() {
        }

        @Override
        public void rendezvousCompleted(long nanos) {
        }

        @Override
        public void connectionOpened() {
        }

        @Override
        public void connectionClosed() {
        }

        @Override
        public void relayed(TrafficDirection direction, int bytes, boolean finalFragment) {
        }
    }
}
