package dev.relaysim.relay.common.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HcActionTest {

    @Test
    void wireNamesAreLowerCase() {
        assertThat(HcAction.LISTEN.wireName()).isEqualTo("listen");
        assertThat(HcAction.CONNECT.wireName()).isEqualTo("connect");
        assertThat(HcAction.ACCEPT.wireName()).isEqualTo("accept");
        assertThat(HcAction.REQUEST.wireName()).isEqualTo("request");
    }

    @Test
    void parsesIgnoringCase() {
        for (HcAction action : HcAction.values()) {
            assertThat(HcAction.fromWireName(action.wireName())).contains(action);
            assertThat(HcAction.fromWireName(action.name())).contains(action);
        }
        assertThat(HcAction.fromWireName("Listen")).contains(HcAction.LISTEN);
    }

    @Test
    void unknownNamesAreEmpty() {
        assertThat(HcAction.fromWireName("")).isEmpty();
        assertThat(HcAction.fromWireName("send")).isEmpty();
        assertThat(HcAction.fromWireName("listen ")).isEmpty();
    }
}
