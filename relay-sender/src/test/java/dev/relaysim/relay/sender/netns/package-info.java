/**
 * {@code gateway --netns} and {@code vnet run} end to end, as root on Linux: a gateway in a network namespace of
 * the test's own playing the host ("the internet"), its virtual networks as namespaces named for this test run, and
 * unchanged programs inside (nslookup, curl, Microsoft's hyco-ws, the probe).
 */
package dev.relaysim.relay.sender.netns;
