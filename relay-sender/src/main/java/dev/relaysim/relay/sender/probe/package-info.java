/**
 * The connectivity probe ({@code ./relaysim probe}): DNS, TCP and TLS to the front end, the rendezvous ports a
 * listener behind Private Link needs, the control-channel handshake and a round trip through a rendezvous, each
 * with a verdict in words. Nothing in its checks is specific to the simulator.
 */
package dev.relaysim.relay.sender.probe;
