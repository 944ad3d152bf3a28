package dev.relaysim.relay.loadtest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The spread of an interval's load over the gateway's I/O event loops, and how a gateway process's loops are found. */
class EventLoopCpuTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachLoopsShareOfTheIntervalBusiestFirstAndTheirSum() {
        Map<String, Long> start = Map.of("relaysim-gateway-io-2-1", 5 * SECOND, "relaysim-gateway-io-2-2", SECOND,
                "relaysim-gateway-io-2-3", 0L);
        Map<String, Long> end = Map.of("relaysim-gateway-io-2-1", 6 * SECOND, "relaysim-gateway-io-2-2", 8 * SECOND,
                "relaysim-gateway-io-2-3", SECOND / 100, "relaysim-gateway-io-2-4", 2 * SECOND);

        Map<String, Double> figures = EventLoopCpu.figures(start, end, 10 * SECOND);

        assertThat(figures).containsOnlyKeys("loops CPU %", "busy loops", "loop 1 CPU %", "loop 2 CPU %",
                "loop 3 CPU %", "loop 4 CPU %");
        assertThat(figures.get("loop 1 CPU %")).isCloseTo(70, within(1e-9));
        assertThat(figures.get("loop 2 CPU %")).as("a loop that started in the interval").isCloseTo(20, within(1e-9));
        assertThat(figures.get("loop 3 CPU %")).isCloseTo(10, within(1e-9));
        assertThat(figures.get("loop 4 CPU %")).isCloseTo(0.1, within(1e-9));
        assertThat(figures.get("loops CPU %")).isCloseTo(100.1, within(1e-9));
        assertThat(figures.get("busy loops")).isEqualTo(3);
    }

    @Test
    void nothingWhereTheLoopsAreNotMeasured() {
        assertThat(EventLoopCpu.figures(Map.of(), Map.of(), SECOND)).isEmpty();
        assertThat(EventLoopCpu.figures(Map.of("relaysim-gateway-io-2-1", 1L), Map.of(), SECOND)).isEmpty();
    }

    @Test
    void aGatewayProcesssLoopsAreItsIoThreadsOfAThreadDumpByNativeId() {
        String dump = """
                "relaysim-gateway-accept-1-1" #20 daemon prio=5 os_prio=0 cpu=12.50ms elapsed=9.10s \
                tid=0x00007f4c2c0e1000 nid=0x1a2b runnable  [0x00007f4bf8afe000]
                "relaysim-gateway-io-2-1" #21 daemon prio=5 os_prio=0 cpu=812.33ms elapsed=9.09s \
                tid=0x00007f4c2c0e2000 nid=0x1a2c runnable  [0x00007f4bf89fd000]
                   java.lang.Thread.State: RUNNABLE
                "relaysim-gateway-io-2-2" #22 daemon prio=5 os_prio=0 cpu=1.00ms elapsed=9.09s \
                tid=0x00007f4c2c0e3000 nid=6702 runnable  [0x00007f4bf88fc000]
                """;

        assertThat(GatewayProcess.ioLoopThreads(dump)).containsExactly(
                Map.entry(6700L, "relaysim-gateway-io-2-1"), Map.entry(6702L, "relaysim-gateway-io-2-2"));
    }
}
