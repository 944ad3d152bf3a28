/**
 * Names shared by every gateway package and depending on none: the gateway's handler names.
 */
package dev.relaysim.relay.gateway.internal.names;
