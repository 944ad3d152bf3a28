package dev.relaysim.relay.gateway.internal.metrics;

/** Which way relayed bytes and messages went: the {@value RelayMeters#DIRECTION} tag. */
public enum TrafficDirection {

    SENDER_TO_LISTENER("sender_to_listener"),
    LISTENER_TO_SENDER("listener_to_sender");

    private final String tagValue;

    TrafficDirection(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }
}
