/**
 * The simulated network around namespaces, as Azure Private Link and Relay's network rules shape it: virtual
 * networks with subnets and connected networks, private endpoints with their connection states, network rule sets,
 * and {@link dev.relaysim.relay.gateway.network.NetworkModel#admit} deciding a connection from its real source and
 * destination addresses. Pure data and decisions; enforcement on channels lives in the pipeline.
 */
package dev.relaysim.relay.gateway.network;
