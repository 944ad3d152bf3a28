package dev.relaysim.relay.gateway.internal.dns;

import java.util.Arrays;
import java.util.Random;

/** Random and malformed DNS packets for the robustness tests. */
final class BadPackets {

    private BadPackets() {
    }

    /**
     * Packet {@code index} of a sequence: every third one random bytes of random length (0-599); the others
     * {@code valid} with 1-4 bytes after the header changed and, half of the time, cut short, with the QR bit clear
     * so that they stay queries (most have a readable header).
     */
    static byte[] next(Random random, byte[] valid, int index) {
        if (index % 3 == 0) {
            byte[] packet = new byte[random.nextInt(600)];
            random.nextBytes(packet);
            return packet;
        }
        byte[] packet = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            packet[12 + random.nextInt(packet.length - 12)] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
            packet = Arrays.copyOf(packet, 12 + random.nextInt(packet.length - 12));
        }
        packet[2] &= 0x7f;
        return packet;
    }
}
