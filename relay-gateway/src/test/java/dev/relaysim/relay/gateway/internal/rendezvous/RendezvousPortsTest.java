package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousPortsTest {

    private static final PortRange BOUND = new PortRange(9400, 9402);

    @Test
    void withoutAdvertisedSettingsTheAuthorityIsTheListenersLocalAddressAndTheBoundPort() {
        RendezvousPorts ports = new RendezvousPorts(BOUND);

        assertThat(ports.authority(new InetSocketAddress("127.0.4.1", 9443), 2)).isEqualTo("127.0.4.1:9402");
        assertThat(ports.authority(new InetSocketAddress("::1", 9080), 0)).isEqualTo("[::1]:9400");
    }

    @Test
    void theAdvertisedHostReplacesTheLocalAddressAndTheMappingTheBoundPorts() {
        RendezvousPorts ports = new RendezvousPorts(BOUND,
                new AdvertisedSettings("localhost", 0, 0, List.of(32768, 32771, 40000)));

        assertThat(ports.authority(new InetSocketAddress("172.17.0.2", 9443), 0)).isEqualTo("localhost:32768");
        assertThat(ports.authority(new InetSocketAddress("172.17.0.2", 9443), 2)).isEqualTo("localhost:40000");
    }

    @Test
    void anAdvertisedHostAloneKeepsTheBoundPortsAndBracketsIpv6() {
        RendezvousPorts ports = new RendezvousPorts(BOUND,
                new AdvertisedSettings("fd00::5", 0, 0, List.of()));

        assertThat(ports.authority(new InetSocketAddress("172.17.0.2", 9443), 1)).isEqualTo("[fd00::5]:9401");
    }
}
