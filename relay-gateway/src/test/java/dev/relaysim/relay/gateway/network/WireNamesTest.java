package dev.relaysim.relay.gateway.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireNamesTest {

    @Test
    void readsWireNamesIgnoringCase() {
        assertThat(ConnectionStatus.fromWireName("approved")).isEqualTo(ConnectionStatus.APPROVED);
        assertThat(PublicNetworkAccess.fromWireName("SECUREDBYPERIMETER"))
                .isEqualTo(PublicNetworkAccess.SECURED_BY_PERIMETER);
        assertThat(DefaultAction.fromWireName("Deny")).isEqualTo(DefaultAction.DENY);
    }

    @Test
    void refusesOtherTextListingEveryWireName() {
        assertThatThrownBy(() -> DefaultAction.fromWireName("Block"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"Block\" (expected: Allow or Deny)");
        assertThatThrownBy(() -> ConnectionStatus.fromWireName("Approving"))
                .hasMessage("\"Approving\" (expected: Pending, Approved, Rejected or Disconnected)");
        assertThatThrownBy(() -> PublicNetworkAccess.fromWireName(""))
                .hasMessage("\"\" (expected: Enabled, Disabled or SecuredByPerimeter)");
    }

    @Test
    void aSingleValueNeedsNoConjunction() {
        assertThatThrownBy(() -> WireNames.parse(new DefaultAction[] {DefaultAction.ALLOW}, DefaultAction::wireName,
                "Deny")).hasMessage("\"Deny\" (expected: Allow)");
    }
}
