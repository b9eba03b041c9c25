package dev.facesweep.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedispatchPolicyTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private final RedispatchPolicy.Settings settings = new RedispatchPolicy.Settings(3.0, Duration.ofSeconds(30),
            Duration.ofMinutes(10), 2, 5);

    @Test
    void thresholdIsFactorTimesMedianButNeverBelowTheFloor() {
        RedispatchPolicy policy = new RedispatchPolicy(settings);
        assertThat(policy.median()).isEmpty();
        assertThat(policy.threshold()).isEqualTo(Duration.ofMinutes(10));

        for (int s : new int[] {2, 4, 100, 3, 5}) {
            policy.roundTrip(Duration.ofSeconds(s));
        }
        assertThat(policy.median()).contains(Duration.ofSeconds(4));
        assertThat(policy.threshold()).isEqualTo(Duration.ofSeconds(30));

        for (int i = 0; i < 5; i++) {
            policy.roundTrip(Duration.ofSeconds(20));
        }
        assertThat(policy.median()).as("only the last 5 count").contains(Duration.ofSeconds(20));
        assertThat(policy.threshold()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void evenWindowTakesTheMeanOfTheMiddlePair() {
        RedispatchPolicy policy = new RedispatchPolicy(settings);
        policy.roundTrip(Duration.ofSeconds(10));
        policy.roundTrip(Duration.ofSeconds(20));
        assertThat(policy.median()).contains(Duration.ofSeconds(15));
    }

    @Test
    void dueAreTheBatchesOlderThanTheThresholdWithRedispatchesLeft_oldestFirst() {
        RedispatchPolicy policy = new RedispatchPolicy(settings);
        policy.roundTrip(Duration.ofSeconds(20));
        Outstanding outstanding = new Outstanding();
        outstanding.published("young", 4, T0.plusSeconds(50));
        outstanding.published("old", 4, T0.plusSeconds(10));
        outstanding.published("older", 4, T0);
        outstanding.published("spent", 4, T0);
        outstanding.republished("spent", T0);
        outstanding.republished("spent", T0);
        Instant now = T0.plusSeconds(71);

        List<Outstanding.Batch> due = policy.due(outstanding.batches(), now);

        assertThat(due).extracting(Outstanding.Batch::batchId).containsExactly("older", "old");
        assertThat(policy.due(outstanding.batches(), T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void republishingRestartsTheAgeAndCountsTheRedispatch() {
        Outstanding outstanding = new Outstanding();
        outstanding.published("b", 3, T0);
        outstanding.republished("b", T0.plusSeconds(40));
        Outstanding.Batch b = outstanding.batches().iterator().next();
        assertThat(b.redispatches()).isEqualTo(1);
        assertThat(b.firstPublished()).isEqualTo(T0);
        assertThat(b.age(T0.plusSeconds(45))).isEqualTo(Duration.ofSeconds(5));
        assertThat(outstanding.images()).isEqualTo(3);
        assertThat(outstanding.remove("b")).contains(b);
        assertThat(outstanding.remove("b")).isEmpty();
    }

    @Test
    void disabledNeverRedispatches() {
        RedispatchPolicy policy = new RedispatchPolicy(RedispatchPolicy.Settings.disabled());
        Outstanding outstanding = new Outstanding();
        outstanding.published("b", 1, T0);
        assertThat(policy.due(outstanding.batches(), T0.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new RedispatchPolicy.Settings(0.5, Duration.ZERO, Duration.ZERO, 1, 1))
                .hasMessageContaining("factor");
        assertThatThrownBy(() -> new RedispatchPolicy.Settings(2, Duration.ZERO, Duration.ZERO, 1, 0))
                .hasMessageContaining("limits");
    }
}
