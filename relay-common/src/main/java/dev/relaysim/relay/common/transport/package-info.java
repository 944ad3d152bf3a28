/**
 * Transport selection: event loop groups and channel types.
 */
package dev.relaysim.relay.common.transport;
