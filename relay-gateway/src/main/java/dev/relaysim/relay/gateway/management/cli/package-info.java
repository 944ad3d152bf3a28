/**
 * The {@code pe} and {@code network} commands ({@link dev.relaysim.relay.gateway.management.cli.ManagementMain}):
 * private endpoint connections (list, approve, reject, remove) and network rule sets (show, set) of a running
 * gateway, through its ARM-shaped management API with the JDK HTTP client ({@code --management-url},
 * {@code --admin-key}).
 */
package dev.relaysim.relay.gateway.management.cli;
