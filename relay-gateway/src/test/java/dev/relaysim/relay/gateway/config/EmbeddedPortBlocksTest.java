package dev.relaysim.relay.gateway.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EmbeddedPortBlocksTest {

    @Test
    void blocksAreAlignedAndStayOffTheDaemonsPortsAndTheEphemeralRange() {
        for (int i = 0; i < 10_000; i++) {
            PortRange block = EmbeddedPortBlocks.random(4);
            assertThat(block.size()).isEqualTo(4);
            assertThat((block.first() - EmbeddedPortBlocks.FIRST_PORT) % 4).isZero();
            assertThat(block.first()).isGreaterThanOrEqualTo(EmbeddedPortBlocks.FIRST_PORT);
            assertThat(block.last()).isLessThanOrEqualTo(EmbeddedPortBlocks.LAST_PORT).isLessThan(32768);
            assertThat(block.last() < 9400 || block.first() > 9599).isTrue();
        }
    }

    @Test
    void sizeMustFitARendezvousRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedPortBlocks.random(0))
                .withMessage("size: 0 (expected: 1-200)");
        assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedPortBlocks.random(201))
                .withMessage("size: 201 (expected: 1-200)");
        assertThat(EmbeddedPortBlocks.random(200).size()).isEqualTo(200);
    }
}
