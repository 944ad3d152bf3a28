/**
 * Test fixtures shared by every module through relay-common's test-jar: buffer-leak detection
 * that fails the build, the seeded-random fuzz harness ({@link dev.relaysim.relay.common.testing.Gen},
 * {@link dev.relaysim.relay.common.testing.Fuzz}, {@link dev.relaysim.relay.common.testing.Mutations}), and a
 * keytool-made server certificate for TLS tests ({@link dev.relaysim.relay.common.testing.TestServerCertificate}).
 */
package dev.relaysim.relay.common.testing;
