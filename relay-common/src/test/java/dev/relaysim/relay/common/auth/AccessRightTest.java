package dev.relaysim.relay.common.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessRightTest {

    @Test
    void wireNamesAreCapitalised() {
        assertThat(AccessRight.LISTEN.wireName()).isEqualTo("Listen");
        assertThat(AccessRight.SEND.wireName()).isEqualTo("Send");
        assertThat(AccessRight.MANAGE.wireName()).isEqualTo("Manage");
    }

    @Test
    void parsesIgnoringCase() {
        assertThat(AccessRight.fromWireName("listen")).isEqualTo(AccessRight.LISTEN);
        assertThat(AccessRight.fromWireName("SEND")).isEqualTo(AccessRight.SEND);
        assertThat(AccessRight.fromWireName("Manage")).isEqualTo(AccessRight.MANAGE);
    }

    @Test
    void unknownNamesAreRefusedWithTheExpectedOnes() {
        assertThatThrownBy(() -> AccessRight.fromWireName("Admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("access right: 'Admin' (expected: Listen, Send or Manage)");
    }
}
