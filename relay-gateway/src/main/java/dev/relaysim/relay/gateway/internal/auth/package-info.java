/**
 * Shared access signature checks: {@link dev.relaysim.relay.gateway.internal.auth.RelayAuthorizer} turns a request's
 * entity path, host and token into a grant or into the service's refusal (401, 403 or 404 and its text).
 */
package dev.relaysim.relay.gateway.internal.auth;
