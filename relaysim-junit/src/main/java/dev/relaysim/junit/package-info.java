/**
 * relaysim in JUnit 5 tests: {@link dev.relaysim.junit.RelaysimTest} on a test class runs an in-process gateway
 * ({@link dev.relaysim.junit.RelaysimExtension}) on a loopback address of its own, per class or per method, and injects
 * a {@link dev.relaysim.junit.Relaysim} handle: connection strings, the development CA, the management API
 * ({@link dev.relaysim.junit.RelaysimManagement}) and the DNS responder's address.
 */
package dev.relaysim.junit;
