package dev.facesweep.worker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ThroughputTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void rateOverTheWindowAndOverTheTimeSinceStartWhileYounger() {
        ManualClock clock = new ManualClock();
        Throughput t = new Throughput(clock, Duration.ofSeconds(60));
        assertThat(t.imagesPerSecond()).isZero();
        t.started();
        clock.advance(Duration.ofSeconds(10));
        t.record(40); // 40 images in the first 10 s
        assertThat(t.imagesPerSecond()).isCloseTo(4.0, within(1e-9));
        clock.advance(Duration.ofSeconds(50));
        t.record(80); // 120 images in 60 s
        assertThat(t.imagesPerSecond()).isCloseTo(2.0, within(1e-9));
        clock.advance(Duration.ofSeconds(30)); // the first sample left the window
        assertThat(t.imagesPerSecond()).isCloseTo(80 / 60.0, within(1e-9));
        clock.advance(Duration.ofSeconds(60));
        assertThat(t.imagesPerSecond()).isZero();
    }
}
