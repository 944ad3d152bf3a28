package dev.relaysim.relay.gateway.internal.rendezvous;

import dev.relaysim.relay.gateway.config.AdvertisedSettings;
import dev.relaysim.relay.gateway.config.PortRange;
import dev.relaysim.relay.common.transport.EventLoops;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RendezvousPortsTest {

    private static final PortRange BOUND = new PortRange(9400, 9402);

    private static EventLoopGroup group;
    private static EventLoop first;
    private static EventLoop second;
    private static EventLoop third;

    @BeforeAll
    static void startLoops() {
        group = new DefaultEventLoopGroup(3);
        List<EventLoop> loops = EventLoops.loopsOf(group);
        first = loops.get(0);
        second = loops.get(1);
        third = loops.get(2);
    }

    @AfterAll
    static void stopLoops() {
        EventLoops.shutdown(group, Duration.ofSeconds(5));
    }

    @Test
    void dedicatedPortsAreDealtToTheLoopsInTurnAndSharedOnesToNone() {
        RendezvousPorts ports = new RendezvousPorts(new PortRange(9400, 9404), AdvertisedSettings.NONE,
                List.of(first, second), instance -> instance != 1);

        assertThat(IntStream.range(0, 5).mapToObj(ports::loopOf))
                .containsExactly(first, null, second, first, second);
    }

    @Test
    void aSenderIsGivenThePortsOfItsOwnLoopInTurn() {
        RendezvousPorts ports = new RendezvousPorts(new PortRange(9400, 9404), AdvertisedSettings.NONE,
                List.of(first, second), instance -> instance != 1);

        assertThat(List.of(ports.nextInstance(first), ports.nextInstance(second), ports.nextInstance(first),
                ports.nextInstance(first), ports.nextInstance(second), ports.nextInstance(second)))
                .containsExactly(0, 2, 3, 0, 4, 2);
    }

    @Test
    void aLoopWithoutAPortOfItsOwnGetsTheRoundRobinOverAllPorts() {
        // One port, three loops (or a loop the ports were not dealt to): the rendezvous moves to the sender's loop.
        RendezvousPorts onePort = new RendezvousPorts(new PortRange(9400, 9400), AdvertisedSettings.NONE,
                List.of(first, second, third), instance -> true);
        assertThat(onePort.loopOf(0)).isSameAs(first);
        assertThat(List.of(onePort.nextInstance(second), onePort.nextInstance(third))).containsExactly(0, 0);

        RendezvousPorts twoLoops = new RendezvousPorts(BOUND, AdvertisedSettings.NONE, List.of(first, second),
                instance -> true);
        assertThat(List.of(twoLoops.nextInstance(third), twoLoops.nextInstance(third), twoLoops.nextInstance(third),
                twoLoops.nextInstance(third))).containsExactly(0, 1, 2, 0);
    }

    @Test
    void withoutLoopsNoPortHasALoopAndEverySenderGetsTheRoundRobin() {
        RendezvousPorts ports = new RendezvousPorts(BOUND);

        assertThat(IntStream.range(0, 3).mapToObj(ports::loopOf)).containsOnlyNulls();
        assertThat(List.of(ports.nextInstance(first), ports.nextInstance(second), ports.nextInstance(first),
                ports.nextInstance())).containsExactly(0, 1, 2, 0);
        assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> ports.loopOf(3))
                .withMessage("instance: 3 (expected: 0-2)");
    }

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
