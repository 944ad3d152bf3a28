/**
 * Shared Access Signatures as Azure Relay uses them: parsing tokens
 * ({@link dev.relaysim.relay.common.auth.SasToken}), creating, signing and verifying them
 * ({@link dev.relaysim.relay.common.auth.SharedAccessSignature}), deciding whether a token's audience covers a
 * request ({@link dev.relaysim.relay.common.auth.SasAudience}), and the rights a rule grants
 * ({@link dev.relaysim.relay.common.auth.AccessRight}).
 */
package dev.relaysim.relay.common.auth;
