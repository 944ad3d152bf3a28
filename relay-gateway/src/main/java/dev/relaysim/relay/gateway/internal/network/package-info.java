/**
 * The live network model: {@link dev.relaysim.relay.gateway.internal.network.NetworkState} holds the current
 * {@link dev.relaysim.relay.gateway.network.NetworkModel} and tells observers of changes;
 * {@link dev.relaysim.relay.gateway.internal.network.NetworkStateFile} keeps the management API's changes across
 * restarts. The model's values themselves are public, in {@code dev.relaysim.relay.gateway.network}.
 */
package dev.relaysim.relay.gateway.internal.network;
