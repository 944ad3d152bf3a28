package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.RelayPorts.Kind;
import dev.relaysim.relay.gateway.RelayPorts.Port;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.gateway.internal.pipeline.PortRole;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which ports a gateway binds, with which role: the default TLS port 9443 is g43's rendezvous port too. */
class RelayPortsTest {

    private static final PortRange DEFAULT_RANGE = new PortRange(9400, 9599);

    @Test
    void theDefaultTlsPortIsOnePortWithBothRoles() {
        List<Port> plan = RelayPorts.plan(new ListenSettings("127.0.0.1", true, 9443, true, 9080, DEFAULT_RANGE,
                true, 9390));
        assertThat(plan).hasSize(1 + 1 + 199);
        assertThat(plan.get(0)).isEqualTo(new Port(Kind.TLS_FRONT_END, 9443, PortRole.BOTH, 43));
        assertThat(plan.get(0).what()).isEqualTo("TLS front end");
        assertThat(plan.get(1)).isEqualTo(new Port(Kind.PLAIN_FRONT_END, 9080, PortRole.FRONT_END, -1));
        assertThat(plan.subList(2, plan.size())).allMatch(port -> port.role() == PortRole.RENDEZVOUS
                && port.number() == 9400 + port.instance() && port.instance() != 43);
        assertThat(plan.get(2).what()).isEqualTo("rendezvous port of g0");
    }

    @Test
    void frontEndsOutsideTheRangeServeOnlyAsFrontEnds() {
        List<Port> plan = RelayPorts.plan(new ListenSettings("127.0.0.1", true, 443, true, 0, new PortRange(9400, 9402),
                false, 0));
        assertThat(plan).containsExactly(new Port(Kind.TLS_FRONT_END, 443, PortRole.FRONT_END, -1),
                new Port(Kind.PLAIN_FRONT_END, 0, PortRole.FRONT_END, -1),
                new Port(Kind.RENDEZVOUS, 9400, PortRole.RENDEZVOUS, 0),
                new Port(Kind.RENDEZVOUS, 9401, PortRole.RENDEZVOUS, 1),
                new Port(Kind.RENDEZVOUS, 9402, PortRole.RENDEZVOUS, 2));
    }

    @Test
    void aPlainPortInTheRangeAndNoTlsFrontEnd() {
        List<Port> plan = RelayPorts.plan(new ListenSettings("127.0.0.1", false, 9443, true, 9401,
                new PortRange(9400, 9402), false, 0));
        assertThat(plan).containsExactly(new Port(Kind.PLAIN_FRONT_END, 9401, PortRole.BOTH, 1),
                new Port(Kind.RENDEZVOUS, 9400, PortRole.RENDEZVOUS, 0),
                new Port(Kind.RENDEZVOUS, 9402, PortRole.RENDEZVOUS, 2));
    }

    @Test
    void onlyPortsThatServeRendezvousAloneAreDedicated() {
        IntPredicate dedicated = RelayPorts.dedicatedRendezvous(new ListenSettings("127.0.0.1", true, 9443, true,
                9080, DEFAULT_RANGE, true, 9390));
        assertThat(IntStream.range(0, DEFAULT_RANGE.size()).filter(dedicated.negate())).containsExactly(43);

        IntPredicate plainInRange = RelayPorts.dedicatedRendezvous(new ListenSettings("127.0.0.1", false, 9443, true,
                9401, new PortRange(9400, 9402), false, 0));
        assertThat(IntStream.range(0, 3).filter(plainInRange)).containsExactly(0, 2);
    }
}
