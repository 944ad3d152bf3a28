/**
 * Pipeline pieces shared by the gateway and the clients: handler names.
 */
package dev.relaysim.relay.common.pipeline;
