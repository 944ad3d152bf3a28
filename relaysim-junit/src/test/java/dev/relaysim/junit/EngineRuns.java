package dev.relaysim.junit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs fixture test classes through the Jupiter engine, as a build would, and reads how they ended. */
final class EngineRuns {

    private EngineRuns() {
    }

    static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    /** Runs a fixture whose class must fail before any test runs, and returns why it failed. */
    static Throwable classFailure(Class<?> fixture) {
        EngineExecutionResults results = run(fixture);
        List<Event> failed = results.containerEvents().failed().list();
        assertThat(failed).as("failed containers of " + fixture.getSimpleName()).hasSize(1);
        assertThat(results.testEvents().succeeded().count()).isZero();
        return failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }
}
