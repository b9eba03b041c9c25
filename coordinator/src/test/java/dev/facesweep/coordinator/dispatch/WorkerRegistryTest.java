package dev.facesweep.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.protocol.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final WorkerRegistry registry = new WorkerRegistry(clock, Duration.ofSeconds(30));

    private static Heartbeat heartbeat(String id, double rate, Instant workerClock) {
        return new Heartbeat(id, "host-" + id, "DML", "DML", "Radeon RX Vega", "m@1", rate, 16, 1, workerClock);
    }

    @Test
    void workersAreLiveWhileTheirHeartbeatsAreRecentByTheCoordinatorsClock() {
        Instant skewed = Instant.parse("1999-01-01T00:00:00Z");
        assertThat(registry.seen(heartbeat("vega", 28.0, skewed))).as("new worker").isTrue();
        clock.advance(Duration.ofSeconds(20));
        assertThat(registry.seen(heartbeat("cpu", 1.5, skewed))).isTrue();
        assertThat(registry.seen(heartbeat("cpu", 1.4, skewed))).as("known and live").isFalse();

        assertThat(registry.liveCount()).isEqualTo(2);
        assertThat(registry.liveRate()).isEqualTo(28.0 + 1.4);

        clock.advance(Duration.ofSeconds(15));
        assertThat(registry.liveCount()).isEqualTo(1);
        assertThat(registry.workers()).extracting(WorkerStatus::workerId, WorkerStatus::live)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cpu", true),
                        org.assertj.core.groups.Tuple.tuple("vega", false));
        assertThat(registry.seen(heartbeat("vega", 27.0, skewed))).as("back from the dead").isTrue();
        assertThat(registry.live()).hasSize(2);
        assertThat(registry.workers()).filteredOn(w -> w.workerId().equals("vega"))
                .extracting(WorkerStatus::lastSeen).containsExactly(clock.instant());
    }
}
