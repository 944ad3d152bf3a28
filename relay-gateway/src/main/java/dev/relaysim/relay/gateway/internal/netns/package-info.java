/**
 * {@code gateway --netns} and {@code vnet}: each simulated virtual network as a Linux network namespace joined to
 * the host by a veth pair, so that unchanged programs reach a private endpoint by its real host name, on port 443,
 * at Azure's documented addresses. {@link dev.relaysim.relay.gateway.internal.netns.VnetPlan} says what a network model
 * needs, {@link dev.relaysim.relay.gateway.internal.netns.VnetHost} makes it with {@code ip} and removes it again (also
 * what a killed gateway left, told by its owner marks), {@link dev.relaysim.relay.gateway.internal.netns.NetnsGateway}
 * runs a gateway on it, {@link dev.relaysim.relay.gateway.internal.netns.VnetMain} runs programs inside.
 */
package dev.relaysim.relay.gateway.internal.netns;
