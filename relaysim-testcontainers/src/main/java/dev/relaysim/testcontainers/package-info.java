/**
 * {@link dev.relaysim.testcontainers.RelaysimContainer}: the relaysim gateway image in a Testcontainers test, with its
 * connection strings, development CA and management API. Depends on Testcontainers and Jackson only (no logging
 * backend, no CLI framework).
 */
package dev.relaysim.testcontainers;
